"""The Dagster training job end to end on the small simulated world, against the real warehouse, Feast and MLflow:
every kind is trained, judged against its baseline and registered with an alias; a deliberately worse challenger
is registered but not promoted (a real comparison on the same hold-out); batch predictions come from champions;
bad windows fail with a clear reason instead of crashing.

Models are registered under a test-only name prefix, so the demo's champions are never touched.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import pytest
from mlflow import MlflowClient

from kernel.settings import REPO_ROOT, stack_settings
from kernel.warehouse import warehouse_client

os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "dagster_home"))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from pipelines.defs.resources import MlflowResource, WarehouseResource, local_resources  # noqa: E402
from pipelines.run import run_training  # noqa: E402

KINDS = ["recommendations", "fraud", "forecasting", "pricing"]
# ALS alone, two factors, one sweep: the blend's other strategies off — worse by construction, not by luck.
WORSE_RECS = {"factors": 2, "iterations": 1, "ease_max_items": 0,
              "weights": {"item_item": 0.0, "co_purchase": 0.0, "trending_in_category": 0.0,
                          "new_item_in_category": 0.0}}


PREDICTION_TABLES = ("ai_forecasts", "ai_stock_plans", "ai_price_suggestions", "ai_recommendations")


@pytest.fixture(scope="module")
def namespace(stack):
    token = uuid.uuid4().hex[:8]
    prefix = f"test-{token}-"
    local = local_resources()
    resources = {**local,
                 "mlflow": MlflowResource(tracking_uri=stack_settings().mlflow_tracking_uri, name_prefix=prefix),
                 "warehouse": WarehouseResource(url=local["warehouse"].url, database=local["warehouse"].database,
                                                predictions_prefix=f"test_{token}_")}
    yield prefix, resources
    client = warehouse_client()
    for table in PREDICTION_TABLES:
        client.command(f"DROP TABLE IF EXISTS `test_{token}_{table}`")


@pytest.fixture(scope="module")
def first_run(small_world, namespace):
    started = datetime.now(timezone.utc)
    outcome = run_training(KINDS, since=small_world.since, until=small_world.until, with_features=True,
                           resources=namespace[1])
    return outcome, started


def _mlflow() -> MlflowClient:
    return MlflowClient(tracking_uri=stack_settings().mlflow_tracking_uri)


def test_every_kind_is_trained_judged_and_registered(first_run, namespace):
    outcome, _ = first_run
    assert outcome.success, {k: o.problem for k, o in outcome.kinds.items()}
    for kind, o in outcome.kinds.items():
        assert o.evaluation is not None and o.registration is not None, (kind, o.problem)
        name = f"{namespace[0]}marketplace-{kind}"
        version = _mlflow().get_model_version(name, o.registration["version"])
        assert version.tags["alias_reason"] == o.registration["reason"]
        alias = o.registration["alias"]
        assert str(_mlflow().get_model_version_by_alias(name, alias).version) == o.registration["version"]
        # the first version of a namespace becomes champion exactly when it beats its baseline
        assert (alias == "champion") == o.evaluation.beats_baseline, (kind, o.evaluation)


def test_the_window_and_figures_reach_the_mlflow_run(first_run):
    outcome, _ = first_run
    reg, ev = outcome.kinds["fraud"].registration, outcome.kinds["fraud"].evaluation
    run = _mlflow().get_run(reg["run_id"])
    assert run.data.metrics[ev.metric] == pytest.approx(ev.value)
    assert run.data.metrics[f"baseline_{ev.metric}"] == pytest.approx(ev.baseline)
    assert run.data.tags["window.cut"] and run.data.tags["alias_decision"] == reg["alias"]


def test_batch_predictions_come_from_the_champions(first_run, namespace):
    outcome, started = first_run
    client = warehouse_client()
    for kind, table in (("forecasting", "ai_stock_plans"), ("pricing", "ai_price_suggestions"),
                        ("recommendations", "ai_recommendations")):
        reg = outcome.kinds[kind].registration
        table = namespace[1]["warehouse"].predictions_table(table)
        rows = client.query(f"SELECT count(), any(model_version) FROM `{table}` WHERE generated_at >= {{t:DateTime64(3)}}",
                            parameters={"t": started}).result_rows[0]
        if reg["alias"] == "champion":
            assert rows[0] > 0 and rows[1] == reg["version"], (table, rows, reg)


def test_a_worse_challenger_is_registered_but_not_promoted(first_run, small_world, namespace):
    champion = first_run[0].kinds["recommendations"].registration
    assert champion["alias"] == "champion"
    outcome = run_training(["recommendations"], since=small_world.since, until=small_world.until,
                           params={"recommendations": WORSE_RECS}, with_features=False, resources=namespace[1])
    worse = outcome.kinds["recommendations"]
    assert worse.registration["alias"] == "challenger", worse.registration
    assert worse.registration["champion_before"] == champion["version"]
    # judged on the same hold-out: the champion scored there what it scored when it was trained
    assert worse.registration["champion_value"] == pytest.approx(champion["value"])
    assert worse.evaluation.value < champion["value"]
    name = f"{namespace[0]}marketplace-recommendations"
    assert str(_mlflow().get_model_version_by_alias(name, "champion").version) == champion["version"]
    assert str(_mlflow().get_model_version_by_alias(name, "challenger").version) == worse.registration["version"]


def test_an_empty_window_fails_with_a_clear_reason(namespace):
    outcome = run_training(["recommendations", "pricing"], since="2001-01-01", until="2001-02-01",
                           with_features=False, resources=namespace[1])
    assert not outcome.success
    for kind in ("recommendations", "pricing"):
        o = outcome.kinds[kind]
        assert o.registration is None and o.evaluation is None, o
        assert "EmptyTrainingData" in o.problem and "window" in o.problem, o.problem


def test_a_kind_with_no_champion_yet_has_none_to_serve(namespace):
    from models.registry import current_champion

    assert current_champion(f"{namespace[0]}marketplace-nothing-yet", stack_settings().mlflow_tracking_uri) is None
