"""MLflow down: serving keeps the champions it loaded. The store loads from the shared MLflow (read only), then its
tracking URI is pointed at a closed port (no private MLflow: its server takes minutes to start here) and a refresh
must keep the loaded version serving, reporting the error in its status (what /readyz shows)."""
from __future__ import annotations

import pytest

from apps.serving.champions import ChampionStore
from deploy.local.scratch import closed_port
from kernel.settings import stack_settings

pytestmark = pytest.mark.timeout(300)
KINDS = {"fraud": "marketplace-fraud", "recommendations": "marketplace-recommendations"}


async def test_serving_keeps_loaded_models_when_mlflow_goes_down(monkeypatch):
    # MLflow's client retries a refused connection with back-off for minutes by default: fail fast instead.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    store = ChampionStore(stack_settings().mlflow_tracking_uri, names=KINDS)
    try:
        await store.refresh()
        loaded = {kind: store.get(kind) for kind in KINDS if store.get(kind) is not None}
        if not loaded:
            pytest.skip(f"no champion registered in the shared MLflow yet (`mkt train`): {store.status()}")
        store.tracking_uri = f"http://127.0.0.1:{closed_port()}"  # MLflow gone
        await store.refresh()
        for kind, before in loaded.items():
            assert store.get(kind) is before  # same object: nothing unloaded or reloaded
            assert store.status()[f"{kind}@champion"]["error"], "the failed refresh is reported"
            assert store.status()[f"{kind}@champion"]["version"] == before.version
    finally:
        store.close()
