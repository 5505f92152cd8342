"""Champions from the MLflow registry, by alias (`models:/<name>@champion`), picked up without a restart.

A poller asks MLflow which version the alias points at; when it moved, it loads the new version in a worker thread
and swaps it in whole. When MLflow is down or a load fails, the last loaded version keeps serving, and `/readyz`
says which one that is. `model.promoted` handling can call `refresh()` to skip the wait.
"""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import httpx
import structlog

log = structlog.get_logger("serving.champions")
CHAMPION = "champion"
CHALLENGER = "challenger"


@dataclass(frozen=True)
class Loaded:
    name: str
    alias: str
    version: str
    model: Any  # the native trained object (recommend / score / predict), not the pyfunc wrapper
    loaded_at: datetime


def _resolve_version(tracking_uri: str, name: str, alias: str) -> str | None:
    if tracking_uri.startswith(("http://", "https://")):
        return _resolve_over_rest(tracking_uri, name, alias)
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        return str(MlflowClient(tracking_uri=tracking_uri).get_model_version_by_alias(name, alias).version)
    except MlflowException as exc:
        if "RESOURCE_DOES_NOT_EXIST" in str(getattr(exc, "error_code", "")) or "not found" in str(exc).lower():
            return None  # the kind has no such alias yet: a fallback serves
        raise


@lru_cache(maxsize=1)
def _registry_http() -> httpx.Client:
    # One pooled client for every poll: a client per call loads the CA bundle each time (milliseconds of CPU).
    return httpx.Client(timeout=10.0)


def _resolve_over_rest(tracking_uri: str, name: str, alias: str) -> str | None:
    """The registry's REST call itself. Importing mlflow's client loads every installed tracking plugin, and feast
    registers one: about 10 s of CPU in each API process, at start-up, under the first requests. A model is only
    loaded (and mlflow imported) once an alias points at a version."""
    resp = _registry_http().get(f"{tracking_uri.rstrip('/')}/api/2.0/mlflow/registered-models/alias",
                                params={"name": name, "alias": alias})
    if resp.status_code == 404 and resp.json().get("error_code") == "RESOURCE_DOES_NOT_EXIST":
        return None  # no such model or alias yet: a fallback serves
    resp.raise_for_status()
    return str(resp.json()["model_version"]["version"])


def _load_version(tracking_uri: str, name: str, version: str) -> Any:
    import mlflow
    import mlflow.pyfunc

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # no tqdm bars in service logs
    mlflow.set_tracking_uri(tracking_uri)
    return mlflow.pyfunc.load_model(f"models:/{name}/{version}").unwrap_python_model().model


class ChampionStore:
    """Holds the loaded model of each (registered name, alias) it was asked to follow."""

    def __init__(self, tracking_uri: str, *, names: dict[str, str], aliases: tuple[str, ...] = (CHAMPION,),
                 poll_seconds: float = 30.0) -> None:
        self.tracking_uri = tracking_uri
        self.names = names  # kind -> registered model name, e.g. "recommendations" -> "marketplace-recommendations"
        self.aliases = aliases
        self.poll_seconds = poll_seconds
        self._loaded: dict[tuple[str, str], Loaded] = {}
        self._errors: dict[tuple[str, str], str] = {}
        # Its own worker thread: shutting down must not wait for a model download still in progress (the default
        # executor is joined when the event loop closes).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="champions")

    def get(self, kind: str, alias: str = CHAMPION) -> Loaded | None:
        return self._loaded.get((kind, alias))

    async def refresh(self) -> None:
        for kind, name in self.names.items():
            for alias in self.aliases:
                await self._refresh_one(kind, name, alias)

    async def _refresh_one(self, kind: str, name: str, alias: str) -> None:
        key = (kind, alias)
        try:
            version = await self._in_thread(_resolve_version, self.tracking_uri, name, alias)
            current = self._loaded.get(key)
            if version is None:
                self._errors.pop(key, None)
                return  # keep what we had: an alias removed by hand should not blank serving
            if current is not None and current.version == version:
                return
            model = await self._in_thread(_load_version, self.tracking_uri, name, version)
            self._loaded[key] = Loaded(name, alias, version, model, datetime.now(UTC))
            self._errors.pop(key, None)
            log.info("serving.model_loaded", kind=kind, alias=alias, name=name, version=version,
                     previous=current.version if current else None)
        except Exception as exc:  # noqa: BLE001 - MLflow down or a bad artifact: keep serving the last version
            self._errors[key] = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("serving.model_refresh_failed", kind=kind, alias=alias, error=self._errors[key])

    async def _in_thread(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.refresh()
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass

    def status(self) -> dict[str, Any]:
        """For /readyz: which version of each kind and alias is loaded, and the last refresh error if any."""
        out: dict[str, Any] = {}
        for kind in self.names:
            for alias in self.aliases:
                loaded = self._loaded.get((kind, alias))
                out[f"{kind}@{alias}"] = {
                    "version": loaded.version if loaded else None,
                    "loadedAt": loaded.loaded_at.isoformat() if loaded else None,
                    "error": self._errors.get((kind, alias)),
                }
        return out
