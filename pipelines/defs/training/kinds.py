"""The four model kinds as the pipeline sees them: where each one's training data comes from and which task
(models/<kind>/task.py) trains and judges it. Model packages are imported when an asset runs, not when Dagster
loads the definitions (LightGBM, implicit and Prophet take seconds to import)."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any, Callable

from models.base import ModelTask
from pipelines.defs.resources import FeatureStoreResource, GroundTruthResource, WarehouseResource


@dataclass
class Sources:
    warehouse: WarehouseResource
    feature_store: FeatureStoreResource
    ground_truth: GroundTruthResource


Loader = Callable[[Sources, "date | None", "date | None"], Any]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    load: Loader
    judged_by: Callable[[Sources, "str | None", "str | None"], dict[str, Any]] = lambda src, since, until: {}

    def task(self) -> ModelTask:
        return importlib.import_module(f"models.{self.kind}.task").TASK

    def describe(self, data: Any) -> dict[str, Any]:
        sizes = {name: len(frame) for name, frame in (data.items() if isinstance(data, dict) else [("rows", data)])
                 if hasattr(frame, "__len__")}
        return {f"{name}_rows": n for name, n in sizes.items()}


def _day(value: str | None) -> datetime | None:
    """An ISO day as midnight UTC (every loader takes a datetime; a date would lose the time zone)."""
    return datetime.combine(date.fromisoformat(value), time(0), tzinfo=timezone.utc) if value else None


def _dataset(kind: str):
    return importlib.import_module(f"models.{kind}.dataset")


def _load_recommendations(src: Sources, since: str | None, until: str | None) -> Any:
    return _dataset("recommendations").load(src.warehouse.client(), since=_day(since), until=_day(until))


def _load_forecasting(src: Sources, since: str | None, until: str | None) -> Any:
    return _dataset("forecasting").load(src.warehouse.client(), since=_day(since), until=_day(until))


def _load_pricing(src: Sources, since: str | None, until: str | None) -> Any:
    return _dataset("pricing").load(src.warehouse.client(), since=_day(since), until=_day(until))


def _pricing_truth(src: Sources, since: str | None, until: str | None) -> dict[str, Any]:
    """The simulator's true elasticities are what pricing is judged against (its hold-out is the world's truth)."""
    runs = src.ground_truth.runs(_day(since), _day(until))
    return {"truth_dir": str(runs[0])} if runs else {}


def _load_fraud(src: Sources, since: str | None, until: str | None) -> Any:
    """Orders with their point-in-time fraud_v1 features, labelled by the ground truth covering the window."""
    runs = src.ground_truth.runs(_day(since), _day(until))
    if not runs:
        raise FileNotFoundError("no fraud labels: no ground-truth export covers the window (run a simulator "
                                "backfill, or point LABELS_DIR at a labels export)")
    return _dataset("fraud").load(src.feature_store.store(), src.warehouse.client(), runs[0],
                                  start=_day(since), end=_day(until))


KINDS: tuple[KindSpec, ...] = (
    KindSpec("recommendations", _load_recommendations),
    KindSpec("fraud", _load_fraud),
    KindSpec("forecasting", _load_forecasting),
    KindSpec("pricing", _load_pricing, judged_by=_pricing_truth),
)
KIND_NAMES = tuple(k.kind for k in KINDS)
