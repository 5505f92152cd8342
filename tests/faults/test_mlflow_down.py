"""MLflow down: serving keeps the champions it loaded. The test registers a champion of its own in the shared MLflow
(a pickled object through models/pyfunc.PickledModel, the face every trained kind has), so it runs on a fresh stack
too; the store loads it, its tracking URI is then pointed at a closed port (no private MLflow: its server takes
minutes to start here) and a refresh must keep the loaded version serving, reporting the error in its status (what
/readyz shows)."""
from __future__ import annotations

import pickle
import uuid

import pytest

from apps.serving.champions import ChampionStore
from deploy.local.scratch import closed_port
from kernel.settings import stack_settings
from models.base import ARTIFACT
from models.pyfunc import PickledModel

pytestmark = pytest.mark.timeout(300)
NAME = "test-faults-mlflow-down"


def _register_champion(tracking_uri: str, tmp_path) -> tuple[str, str]:
    """A new version of NAME holding a marker object, aliased champion; returns (version, marker)."""
    import mlflow
    from mlflow import MlflowClient

    marker = uuid.uuid4().hex
    mlflow.set_tracking_uri(tracking_uri)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"marker": marker}))
    mlflow.set_experiment(NAME)
    with mlflow.start_run(run_name="fault-test"):
        info = mlflow.pyfunc.log_model(name="model", python_model=PickledModel(), artifacts={ARTIFACT: str(path)},
                                       registered_model_name=NAME, pip_requirements=[])
    version = str(info.registered_model_version)
    MlflowClient(tracking_uri).set_registered_model_alias(NAME, "champion", version)
    return version, marker


async def test_serving_keeps_loaded_models_when_mlflow_goes_down(monkeypatch, tmp_path):
    # MLflow's client retries a refused connection with back-off for minutes by default: fail fast instead.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    uri = stack_settings().mlflow_tracking_uri
    version, marker = _register_champion(uri, tmp_path)
    store = ChampionStore(uri, names={"fraud": NAME})
    try:
        await store.refresh()
        before = store.get("fraud")
        assert before is not None and before.version == version and before.model == {"marker": marker}
        store.tracking_uri = f"http://127.0.0.1:{closed_port()}"  # MLflow gone
        await store.refresh()
        assert store.get("fraud") is before  # same object: nothing unloaded or reloaded
        status = store.status()["fraud@champion"]
        assert status["error"], "the failed refresh is reported"
        assert status["version"] == version
    finally:
        store.close()
