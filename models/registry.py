"""MLflow registration for every model kind: one run with params, metrics, the data window, a signature and an input
example; one registered version; and the alias decision.

`champion` moves only when the new version beats its baseline AND the current champion, both measured on the same
hold-out in this run (the champion is loaded back from the registry and scored by the kind's own `score`).
Otherwise the version is aliased `challenger` and the reason is recorded on the version and the run.
"""
from __future__ import annotations

import json
import logging
import os
import pickle
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from models.base import ARTIFACT, Evaluation, ModelTask, Split

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

CHAMPION, CHALLENGER = "champion", "challenger"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    name: str
    version: str
    alias: str  # champion | challenger
    reason: str
    metric: str
    value: float
    baseline: float
    champion_before: str | None  # the version that was champion when this one was judged
    champion_value: float | None  # that champion's metric on this run's hold-out
    run_id: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _client(tracking_uri: str):
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    return MlflowClient(tracking_uri=tracking_uri)


def current_champion(name: str, tracking_uri: str):
    """The version aliased champion, or None when the kind has none yet (or is not registered at all)."""
    from mlflow.exceptions import MlflowException

    try:
        return _client(tracking_uri).get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def load_native(name: str, tracking_uri: str, alias: str = CHAMPION) -> Any:
    """The trained object behind `models:/<name>@<alias>` (what the kind's `score` and batch predictions take)."""
    import mlflow.pyfunc

    _client(tracking_uri)
    return mlflow.pyfunc.load_model(f"models:/{name}@{alias}").unwrap_python_model().model


def decide(evaluation: Evaluation, champion_value: float | None, champion_version: str | None) -> tuple[str, str]:
    """(alias, reason) for a new version, from figures measured on one hold-out."""
    m = evaluation.metric
    if not evaluation.beats_baseline:
        return CHALLENGER, f"{m} {evaluation.value:.4f} does not beat the baseline's {evaluation.baseline:.4f}"
    if champion_version is None:
        return CHAMPION, f"{m} {evaluation.value:.4f} beats the baseline's {evaluation.baseline:.4f}; no champion yet"
    if evaluation.better(evaluation.value, champion_value):
        return CHAMPION, (f"{m} {evaluation.value:.4f} beats the baseline's {evaluation.baseline:.4f} and champion "
                          f"v{champion_version}'s {champion_value:.4f} on the same hold-out")
    return CHALLENGER, (f"{m} {evaluation.value:.4f} does not beat champion v{champion_version}'s "
                        f"{champion_value:.4f} on the same hold-out")


def _score_champion(task: ModelTask, name: str, split: Split, tracking_uri: str) -> tuple[str | None, float | None]:
    champion = current_champion(name, tracking_uri)
    if champion is None:
        return None, None
    try:
        model = load_native(name, tracking_uri)
        return str(champion.version), float(task.score(model, split))
    except Exception as exc:  # an unloadable champion must not block a good new version; say why
        log.warning("champion v%s of %s could not be scored: %s", champion.version, name, exc)
        return str(champion.version), float("nan")


def _flat_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, (int, float, str, bool)) else json.dumps(v, default=str)[:500]
            for k, v in params.items()}


def _log_model(task: ModelTask, name: str, model: Any, split: Split) -> Any:
    import mlflow.pyfunc
    from mlflow.models import infer_signature

    python_model = task.python_model()
    example = task.input_example(model, split)
    try:
        signature = infer_signature(example, python_model.predict_frame(model, example))
    except Exception as exc:  # a kind whose output MLflow cannot type still gets its input schema
        log.info("output signature of %s not inferred: %s", task.kind, exc)
        signature = infer_signature(example)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pkl"
        path.write_bytes(pickle.dumps(model))
        return mlflow.pyfunc.log_model(name="model", python_model=python_model, artifacts={ARTIFACT: str(path)},
                                       signature=signature, input_example=example,
                                       registered_model_name=name)


def register(task: ModelTask, model: Any, split: Split, evaluation: Evaluation, params: dict[str, Any], *,
             tracking_uri: str, name: str | None = None, tags: dict[str, str] | None = None) -> Registration:
    """Log, register and alias one trained model of `task`'s kind (as `name`, default the task's own)."""
    import mlflow

    name = name or task.registered_name
    client = _client(tracking_uri)
    champion_version, champion_value = _score_champion(task, name, split, tracking_uri)
    alias, reason = decide(evaluation, champion_value, champion_version)
    mlflow.set_experiment(f"marketplace-{task.kind}")
    with mlflow.start_run(run_name=f"{task.kind}-train") as run:
        mlflow.log_params(_flat_params(params))
        mlflow.log_metrics({k: float(v) for k, v in evaluation.all_metrics().items()})
        if champion_value is not None:
            mlflow.log_metric(f"champion_{evaluation.metric}", champion_value)
        mlflow.set_tags({**{f"window.{k}": v for k, v in split.window.items()}, **(tags or {}),
                         "alias_decision": alias, "alias_reason": reason, "kind": task.kind})
        mlflow.log_dict({"window": split.window, "notes": evaluation.notes, "reason": reason}, "evaluation.json")
        info = _log_model(task, name, model, split)
    version = str(info.registered_model_version)
    client.set_registered_model_alias(name, alias, version)
    client.set_model_version_tag(name, version, "alias_reason", reason)
    client.set_model_version_tag(name, version, evaluation.metric, f"{evaluation.value:.6f}")
    return Registration(name, version, alias, reason, evaluation.metric, float(evaluation.value),
                        float(evaluation.baseline), champion_version, champion_value, run.info.run_id)
