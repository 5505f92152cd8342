"""Batch predictions written the way the pipeline writes them, for a vendor of the test's own."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

from kernel.warehouse import warehouse_client

PLAN_COLUMNS = ["sku", "vendor_id", "product_id", "method", "forecast_start", "horizon_days", "forecast_units",
                "forecast_lower", "forecast_upper", "daily_rate", "current_stock", "lead_time_days", "safety_stock",
                "reorder_point", "order_up_to", "reorder_qty", "days_to_stockout", "stockout_date", "model_version",
                "generated_at"]
PRICE_COLUMNS = ["sku", "vendor_id", "product_id", "category_id", "current_price_minor", "suggested_price_minor",
                 "min_price_minor", "max_price_minor", "change_pct", "elasticity", "elasticity_se", "confidence",
                 "expected_units_change_pct", "expected_gain_pct", "objective", "binding", "model_version",
                 "generated_at"]


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=(datetime.now().microsecond // 1000) * 1000)


def write_plan(vendor_id: str, sku: str, *, days_to_stockout: float | None, reorder_qty: int, stock: int,
               product_id: str | None = None, generated_at: datetime | None = None, version: str = "7",
               units: float = 14.0) -> None:
    start = date.today()
    row = [sku, vendor_id, product_id or str(uuid.uuid4()), "tsb", start, 28, units, 6.0, 22.0, 0.5, stock, 7.0, 2.0,
           5.5, 16.0, reorder_qty, days_to_stockout,
           start + timedelta(days=int(days_to_stockout)) if days_to_stockout is not None else None, version,
           generated_at or now()]
    warehouse_client().insert("ai_stock_plans", [row], column_names=PLAN_COLUMNS)


def write_daily(sku: str, days: int, *, generated_at: datetime, start: date, version: str = "7") -> None:
    rows = [[sku, start + timedelta(days=i), 0.5 + i / 100, 0.1, 0.9 + i / 100, version, generated_at]
            for i in range(days)]
    warehouse_client().insert("ai_forecasts", rows, column_names=["sku", "ds", "yhat", "yhat_lower", "yhat_upper",
                                                                  "model_version", "generated_at"])


def write_price(vendor_id: str, sku: str, *, current: int, suggested: int, product_id: str | None = None,
                confidence: float = 0.8, generated_at: datetime | None = None) -> datetime:
    at = generated_at or now()
    row = [sku, vendor_id, product_id or str(uuid.uuid4()), str(uuid.uuid4()), current, suggested,
           int(current * 0.9), int(current * 1.1), round((suggested - current) * 100 / current, 2), -1.4, 0.2,
           confidence, -3.0, 4.0, "revenue", "none", "7", at]
    warehouse_client().insert("ai_price_suggestions", [row], column_names=PRICE_COLUMNS)
    return at
