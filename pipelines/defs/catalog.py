"""Every asset and check of the code location, gathered from the areas (training, predictions, features)."""
from __future__ import annotations

from functools import cache

from dagster import AssetChecksDefinition

from pipelines.defs.features.assets import online_features
from pipelines.defs.predictions.assets import prediction_assets
from pipelines.defs.training.assets import training_assets
from pipelines.defs.training.kinds import KINDS


@cache
def _all() -> tuple:
    return (*[d for spec in KINDS for d in training_assets(spec)], *prediction_assets(), online_features)


def assets() -> list:
    return [d for d in _all() if not isinstance(d, AssetChecksDefinition)]


def checks() -> list:
    return [d for d in _all() if isinstance(d, AssetChecksDefinition)]
