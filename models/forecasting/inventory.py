"""Stock-out and reorder arithmetic over a forecast, and the per-SKU plan the pipeline writes to ai_forecasts.

Policy: periodic review (every `review_days`) with an order-up-to level S = expected demand over lead time +
review period + safety stock; safety stock = z(service level) * sqrt(L * sigma_d^2 + d^2 * sigma_L^2), the
textbook form when both daily demand (sigma_d) and lead time (sigma_L) vary."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import norm

from models.forecasting.model import ForecastModel

PLAN_COLUMNS = ["sku", "method", "forecast_start", "horizon_days", "forecast_units", "forecast_lower",
                "forecast_upper", "daily_rate", "current_stock", "lead_time_days", "safety_stock", "reorder_point",
                "order_up_to", "reorder_qty", "days_to_stockout", "stockout_date"]
MAX_DATED_DAYS = 3650  # a near-zero rate can put a stock-out millennia away: no calendar date past ten years


def days_to_stockout(daily: np.ndarray, stock: float) -> float | None:
    """Days until cumulative expected demand reaches `stock` (fractional: 2.5 = halfway through day 3). Past the
    forecast, demand continues at the forecast's mean rate. None when no demand is expected at all."""
    if stock <= 0:
        return 0.0
    daily = np.clip(np.asarray(daily, dtype=float), 0.0, None)
    cum = np.cumsum(daily)
    hit = int(np.searchsorted(cum, stock, side="left"))
    if hit < len(daily):
        before = cum[hit - 1] if hit else 0.0
        return hit + (stock - before) / daily[hit]
    rate = float(daily.mean()) if len(daily) else 0.0
    if rate <= 0:
        return None
    return len(daily) + (stock - (cum[-1] if len(cum) else 0.0)) / rate


def safety_stock(sigma: float, rate: float, lead_days: float, lead_std: float, service_level: float) -> float:
    z = float(norm.ppf(service_level))
    return z * math.sqrt(lead_days * sigma ** 2 + (rate * lead_std) ** 2)


def demand_over(daily: np.ndarray, days: float) -> float:
    """Expected units over the first `days` days (fractional), at the forecast's mean rate beyond its end."""
    whole = int(days)
    head = float(np.sum(daily[:whole])) + (days - whole) * (float(daily[whole]) if whole < len(daily) else 0.0)
    beyond = max(0.0, days - len(daily)) * (float(np.mean(daily)) if len(daily) else 0.0)
    return head + beyond


def reorder(daily: np.ndarray, *, stock: float, sigma: float, lead_days: float, lead_std: float,
            service_level: float, review_days: float) -> dict[str, float]:
    rate = float(np.mean(daily)) if len(daily) else 0.0
    ss = safety_stock(sigma, rate, lead_days, lead_std, service_level) if rate > 0 else 0.0
    up_to = demand_over(daily, lead_days + review_days) + ss
    return {"safety_stock": ss, "reorder_point": demand_over(daily, lead_days) + ss, "order_up_to": up_to,
            "reorder_qty": float(max(0, math.ceil(up_to - stock - 1e-9)))}


def inventory_plan(model: ForecastModel, stock: pd.DataFrame, *, horizon_days: int = 28,
                   service_level: float = 0.95, review_days: float = 7.0) -> pd.DataFrame:
    """One row per SKU in the model or in `stock` (sku, current_stock, lead_time_days[, lead_time_std]); SKUs
    the model has never seen sold nothing in the window: a zero forecast, method "none"."""
    forecast = model.predict(horizon_days)
    by_sku = {sku: f for sku, f in forecast.groupby("sku")}
    stock = stock.set_index("sku") if len(stock) else pd.DataFrame(columns=["current_stock", "lead_time_days"])
    rows = [_plan_row(sku, model, by_sku.get(sku), stock.loc[sku] if sku in stock.index else None, horizon_days,
                      service_level, review_days) for sku in sorted(set(model.skus) | set(stock.index))]
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def _plan_row(sku, model, frame, stock_row, horizon_days, service_level, review_days) -> dict:
    fit = model.skus.get(sku)
    daily = frame["yhat"].to_numpy() if frame is not None else np.zeros(horizon_days)
    on_hand = float(stock_row["current_stock"]) if stock_row is not None else 0.0
    lead = float(stock_row["lead_time_days"]) if stock_row is not None else 7.0
    lead_std = float(stock_row.get("lead_time_std", 0.0)) if stock_row is not None else 0.0
    plan = reorder(daily, stock=on_hand, sigma=fit.sigma if fit else 0.0, lead_days=lead, lead_std=lead_std,
                   service_level=service_level, review_days=review_days)
    start = frame["ds"].iloc[0] if frame is not None else pd.NaT
    out_days = days_to_stockout(daily, on_hand)
    return {"sku": sku, "method": fit.method if fit else "none", "forecast_start": start,
            "horizon_days": horizon_days, "forecast_units": float(daily.sum()),
            "forecast_lower": float(frame["yhat_lower"].sum()) if frame is not None else 0.0,
            "forecast_upper": float(frame["yhat_upper"].sum()) if frame is not None else 0.0,
            "daily_rate": float(daily.mean()), "current_stock": on_hand, "lead_time_days": lead, **plan,
            "days_to_stockout": np.nan if out_days is None else out_days,
            "stockout_date": pd.NaT if out_days is None or pd.isna(start) or out_days > MAX_DATED_DAYS
            else start + pd.Timedelta(days=math.floor(out_days))}
