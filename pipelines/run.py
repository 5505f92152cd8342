"""Running the training job from code (the CLI and the tests): the chosen kinds' assets on the persistent Dagster
instance (DAGSTER_HOME), so every run shows in the UI beside the scheduled ones."""
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from dagster import AssetKey, DagsterEventType, DagsterInstance

from pipelines.definitions import defs as default_defs
from pipelines.defs.catalog import build_definitions
from pipelines.defs.training.kinds import KIND_NAMES

STEP_EVENTS = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE,
               DagsterEventType.STEP_SKIPPED}


@dataclass
class KindOutcome:
    kind: str
    evaluation: Any = None  # models.base.Evaluation
    registration: dict[str, Any] | None = None
    problem: str | None = None  # why a step did not run or failed


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    seconds: float
    kinds: dict[str, KindOutcome] = field(default_factory=dict)


def selection(kinds: list[str], with_features: bool) -> list[AssetKey]:
    graph = default_defs.resolve_asset_graph()
    groups = set(kinds) | ({"features"} if with_features else set())
    return [key for key in graph.get_all_asset_keys() if graph.get(key).group_name in groups]


def run_config(kinds: list[str], since: str, until: str, params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for k in kinds:
        ops[f"{k}_training_set"] = {"config": {"since": since, "until": until}}
        ops[f"{k}_model"] = {"config": {"params_json": json.dumps(params.get(k, {}))}}
    return {"ops": ops}


def _root_cause(error) -> str:
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[-1]


def _failures(result) -> dict[str, str]:
    """Each failed step's group (its model kind) → the root cause of the first failure in it."""
    graph, out = default_defs.resolve_asset_graph(), {}
    for event in result.all_events:
        if event.is_step_failure:
            key = AssetKey(event.step_key)
            group = graph.get(key).group_name if graph.has(key) else event.step_key
            out.setdefault(group, f"{event.step_key}: {_root_cause(event.event_specific_data.error)}")
    return out


def _outcomes(result, kinds: list[str]) -> dict[str, KindOutcome]:
    out, failures = {}, _failures(result)
    for k in kinds:
        o = KindOutcome(k)
        for name, attr in ((f"{k}_evaluation", "evaluation"), (f"{k}_registered_model", "registration")):
            try:
                setattr(o, attr, result.output_for_node(name))
            except Exception:  # the step failed or was skipped by the blocking check
                pass
        o.problem = failures.get(k) or (None if o.registration is not None
                                        else "not registered: the evaluation's beats_baseline check failed")
        out[k] = o
    return out


def run_training(kinds: list[str] | None = None, *, since: str = "", until: str = "",
                 params: dict[str, dict[str, Any]] | None = None, with_features: bool = True,
                 instance: DagsterInstance | None = None, resources: dict[str, Any] | None = None,
                 on_step: Callable[[str, str], None] | None = None) -> RunOutcome:
    """Materialize the kinds' assets (all four by default). `on_step(step_key, event)` follows progress;
    `resources` replaces the environment's (a test's own MLflow namespace, say)."""
    kinds = list(kinds or KIND_NAMES)
    unknown = sorted(set(kinds) - set(KIND_NAMES))
    if unknown:
        raise ValueError(f"unknown model kind(s) {', '.join(unknown)}; known: {', '.join(KIND_NAMES)}")
    instance = instance or DagsterInstance.get()
    defs = build_definitions(resources) if resources else default_defs
    job = defs.resolve_implicit_global_asset_job_def()
    run_id, box, started = str(uuid.uuid4()), {}, time.monotonic()

    def execute() -> None:
        try:
            box["result"] = job.execute_in_process(
                run_config=run_config(kinds, since, until, params or {}), instance=instance, run_id=run_id,
                asset_selection=selection(kinds, with_features), raise_on_error=False, tags={"trigger": "cli"})
        except BaseException as exc:  # surfaced in the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=execute, name="dagster-run")
    worker.start()
    _follow(instance, run_id, worker, on_step)
    if "error" in box:
        raise box["error"]
    result = box["result"]
    return RunOutcome(run_id, result.success, round(time.monotonic() - started, 1), _outcomes(result, kinds))


def _follow(instance: DagsterInstance, run_id: str, worker: threading.Thread,
            on_step: Callable[[str, str], None] | None) -> None:
    seen = 0
    while True:
        alive = worker.is_alive()
        if on_step is not None:
            logs = instance.all_logs(run_id) if instance.has_run(run_id) else []
            for entry in logs[seen:]:
                ev = entry.dagster_event
                if ev is not None and ev.event_type in STEP_EVENTS and ev.step_key:
                    on_step(ev.step_key, ev.event_type.value)
            seen = len(logs)
        if not alive:
            return
        time.sleep(0.5)
