"""Batch predictions of the champions (never of a version that lost), written to the warehouse where serving,
the vendor portal and dashboards read them. A kind with no champion yet writes nothing and says so."""
from datetime import datetime, timezone
from typing import Any

import pandas as pd
from dagster import AssetExecutionContext, AssetIn, AssetKey, Config, MaterializeResult, asset

from models.registry import current_champion, load_native
from pipelines.defs.predictions import frames
from pipelines.defs.resources import MlflowResource, WarehouseResource
from pipelines.defs.training.assets import TrainingSet


class HorizonConfig(Config):
    horizon_days: int = 28
    service_level: float = 0.95


class RecsBatchConfig(Config):
    k: int = 20
    active_days: int = 30  # shoppers with any interaction this recently get precomputed lists
    max_users: int = 50_000


def _champion(kind: str, mlflow: MlflowResource) -> tuple[Any, str] | None:
    name = mlflow.model_name(kind)
    version = current_champion(name, mlflow.tracking_uri)
    if version is None:
        return None
    return load_native(name, mlflow.tracking_uri), str(version.version)


def _write(warehouse: WarehouseResource, table: str, frame: pd.DataFrame, version: str) -> int:
    if frame.empty:
        return 0
    frame = frame.assign(model_version=version, generated_at=datetime.now(timezone.utc))
    warehouse.client().insert_df(warehouse.predictions_table(table), frame)
    return len(frame)


def _no_champion(kind: str) -> MaterializeResult:
    return MaterializeResult(metadata={"rows": 0, "note": f"no {kind} champion yet: nothing written"})


@asset(name="ai_forecasts", group_name="forecasting", compute_kind="clickhouse",
       deps=[AssetKey("forecasting_registered_model")], ins={"data": AssetIn("forecasting_training_set")},
       description="Daily forecast band per SKU (ai_forecasts) and the stock-out/reorder plan (ai_stock_plans).")
def ai_forecasts(context: AssetExecutionContext, config: HorizonConfig, data: TrainingSet,
                 warehouse: WarehouseResource, mlflow: MlflowResource) -> MaterializeResult:
    champion = _champion("forecasting", mlflow)
    if champion is None:
        return _no_champion("forecasting")
    daily, plan = frames.forecasts(champion[0], data.data, config.horizon_days, config.service_level)
    plan = frames.with_owners(plan, warehouse.client())
    return MaterializeResult(metadata={"forecast_rows": _write(warehouse, "ai_forecasts", daily, champion[1]),
                                       "plan_rows": _write(warehouse, "ai_stock_plans", plan, champion[1]),
                                       "model_version": champion[1]})


@asset(name="ai_price_suggestions", group_name="pricing", compute_kind="clickhouse",
       deps=[AssetKey("pricing_registered_model")], description="A bounded price suggestion per SKU.")
def ai_price_suggestions(context: AssetExecutionContext, warehouse: WarehouseResource,
                         mlflow: MlflowResource) -> MaterializeResult:
    champion = _champion("pricing", mlflow)
    if champion is None:
        return _no_champion("pricing")
    suggestions = frames.with_owners(frames.price_suggestions(champion[0]), warehouse.client())
    return MaterializeResult(metadata={"rows": _write(warehouse, "ai_price_suggestions", suggestions, champion[1]),
                                       "model_version": champion[1]})


@asset(name="ai_recommendations", group_name="recommendations", compute_kind="clickhouse",
       deps=[AssetKey("recommendations_registered_model")], ins={"data": AssetIn("recommendations_training_set")},
       description="Precomputed recommendations for recently active shoppers, with the strategy of each item.")
def ai_recommendations(context: AssetExecutionContext, config: RecsBatchConfig, data: TrainingSet,
                       warehouse: WarehouseResource, mlflow: MlflowResource) -> MaterializeResult:
    champion = _champion("recommendations", mlflow)
    if champion is None:
        return _no_champion("recommendations")
    users = frames.active_users(data.data, config.active_days, config.max_users)
    rows = frames.recommendations(champion[0], users, config.k)
    return MaterializeResult(metadata={"users": len(users), "model_version": champion[1],
                                       "rows": _write(warehouse, "ai_recommendations", rows, champion[1])})


def prediction_assets() -> list:
    return [ai_forecasts, ai_price_suggestions, ai_recommendations]
