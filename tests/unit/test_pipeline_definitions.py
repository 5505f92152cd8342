"""The Dagster code location, loaded as the webserver loads it: its assets, checks, jobs, schedules and sensors
by name, so a dropped or renamed one fails here before it silently stops running."""
import os

from dagster import AssetKey

from kernel.settings import REPO_ROOT

os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "dagster_home"))

from pipelines.definitions import defs  # noqa: E402

KINDS = ("recommendations", "fraud", "forecasting", "pricing")
STAGES = ("training_set", "model", "evaluation", "registered_model")
PREDICTIONS = {"ai_forecasts": "forecasting", "ai_price_suggestions": "pricing",
               "ai_recommendations": "recommendations"}


def test_assets_by_name_and_group():
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    expected = {f"{k}_{s}": k for k in KINDS for s in STAGES} | PREDICTIONS | {"online_features": "features"}
    assert groups == expected


def test_every_evaluation_has_its_baseline_check():
    checks = {(c.asset_key.to_user_string(), c.name) for c in defs.resolve_asset_graph().asset_check_keys}
    assert checks == {(f"{k}_evaluation", "beats_baseline") for k in KINDS}


def test_jobs_schedules_and_sensors():
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"train_all", "materialize_features", "daily_report_job"}
    schedules = {s.name: (s.cron_schedule, s.job_name) for s in defs.schedules}
    assert schedules == {"nightly_retrain": ("0 2 * * *", "train_all"),
                         "hourly_features": ("15 * * * *", "materialize_features"),
                         "daily_report_schedule": ("0 6 * * *", "daily_report_job")}
    # the alert sensors launch no runs: raising the alert (an event for notifications) is their whole effect
    assert {s.name: s.job_name if s.targets else None for s in defs.sensors} == {
        "new_orders_sensor": "train_all", "payment_failures_alert": None, "low_stock_alert": None,
        "server_errors_alert": None, "fraud_rate_alert": None}


def test_predictions_read_only_after_their_kind_is_registered():
    graph = defs.resolve_asset_graph()
    for asset, kind in PREDICTIONS.items():
        parents = {p.to_user_string() for p in graph.get(AssetKey(asset)).parent_keys}
        assert f"{kind}_registered_model" in parents
