"""Batch predictions for ai_forecasts: the champion's recipe (its params) refit on the whole window, so the
forecast starts the day after the newest data rather than at the champion's own training cut, then the plan.

Columns (inventory.PLAN_COLUMNS): sku, method, forecast_start, horizon_days, forecast_units, forecast_lower,
forecast_upper (sums over the horizon), daily_rate, current_stock, lead_time_days, safety_stock, reorder_point,
order_up_to, reorder_qty, days_to_stockout (NaN = no demand expected), stockout_date (NaT likewise)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from models.forecasting.inventory import inventory_plan
from models.forecasting.model import ForecastModel
from models.forecasting.train import train


def batch_predictions(data: Any, champion: ForecastModel | None = None, *, horizon_days: int = 28,
                      service_level: float = 0.95, review_days: float = 7.0) -> pd.DataFrame:
    """`data` from dataset.load (sales + stock). Without a champion, the default params are used."""
    model = train(data.sales, champion.params if champion is not None else None)
    return inventory_plan(model, data.stock, horizon_days=horizon_days, service_level=service_level,
                          review_days=review_days)
