"""Every asset, check, job, schedule and sensor of the code location, gathered from the areas (training,
predictions, features), bound to the resources of one environment."""
from __future__ import annotations

from functools import cache

from dagster import AssetChecksDefinition, Definitions

from pipelines.defs.features.assets import online_features
from pipelines.defs.predictions.assets import prediction_assets
from pipelines.defs.reports.daily import daily_report_job, daily_report_schedule
from pipelines.defs.reports.sensors import ALERT_SENSORS
from pipelines.defs.schedules import hourly_features, materialize_features, new_orders_sensor, nightly_retrain, train_all
from pipelines.defs.training.assets import training_assets
from pipelines.defs.training.kinds import KINDS


@cache
def _all() -> tuple:
    return (*[d for spec in KINDS for d in training_assets(spec)], *prediction_assets(), online_features)


def assets() -> list:
    return [d for d in _all() if not isinstance(d, AssetChecksDefinition)]


def checks() -> list:
    return [d for d in _all() if isinstance(d, AssetChecksDefinition)]


def build_definitions(resources: dict) -> Definitions:
    return Definitions(assets=assets(), asset_checks=checks(),
                       jobs=[train_all, materialize_features, daily_report_job],
                       schedules=[nightly_retrain, hourly_features, daily_report_schedule],
                       sensors=[new_orders_sensor, *ALERT_SENSORS], resources=resources)
