"""The Dagster code location: assets from pipelines/defs/<area>/, resources chosen by environment."""
from dagster import Definitions

from kernel.settings import common_settings
from pipelines.defs import catalog
from pipelines.defs.resources import resources_for
from pipelines.defs.schedules import hourly_features, materialize_features, new_orders_sensor, nightly_retrain, train_all

defs = Definitions(assets=catalog.assets(), asset_checks=catalog.checks(), jobs=[train_all, materialize_features],
                   schedules=[nightly_retrain, hourly_features], sensors=[new_orders_sensor],
                   resources=resources_for(common_settings().env))
