"""Reads of the champions' batch predictions for one vendor (warehouse/migrations/0005_ai_outputs.sql).

Each pipeline run writes a full set stamped with generated_at. `ai_stock_plans` and `ai_price_suggestions` are
ReplacingMergeTrees keyed by SKU, so FINAL leaves the newest run's row per SKU. `ai_forecasts` is keyed by
(sku, day), and an older run may hold days the newest does not, so the daily series takes only the rows of the
SKU's newest run.

clickhouse-connect clients are not thread-safe and queries run off the event loop: one client per worker thread,
dropped after a failure so the next call reconnects. Any failure to reach or query the warehouse becomes
`WarehouseUnavailable` (the routes answer 503), never a 500.
"""
from __future__ import annotations

import asyncio
import math
import threading
from datetime import date, datetime, timezone
from typing import Any

from kernel.settings import CommonSettings
from kernel.warehouse import warehouse_client

FORECAST_COLUMNS = ("sku, product_id, horizon_days, forecast_units, forecast_lower, forecast_upper, daily_rate, "
                    "current_stock, lead_time_days, safety_stock, reorder_point, order_up_to, reorder_qty, "
                    "days_to_stockout, stockout_date, method, forecast_start, model_version, generated_at")
PRICE_COLUMNS = ("sku, product_id, category_id, current_price_minor, suggested_price_minor, min_price_minor, "
                 "max_price_minor, change_pct, elasticity, elasticity_se, confidence, expected_units_change_pct, "
                 "expected_gain_pct, objective, binding, model_version, generated_at")
# Soonest stock-out first: what a vendor must act on leads the list. SKUs that never run out come last, and so do
# SKUs forecast to sell nothing (an empty shelf that nobody buys from is not urgent).
FORECASTS_SQL = f"""
SELECT {FORECAST_COLUMNS} FROM ai_stock_plans FINAL
WHERE vendor_id = {{vendor:String}} AND ({{sku:String}} = '' OR sku = {{sku:String}})
ORDER BY isNull(days_to_stockout), forecast_units <= 0, days_to_stockout, sku
LIMIT {{limit:UInt32}} OFFSET {{offset:UInt32}}"""
DAILY_SQL = """
SELECT ds, yhat, yhat_lower, yhat_upper, model_version, generated_at FROM ai_forecasts FINAL
WHERE sku = {sku:String}
  AND generated_at = (SELECT max(generated_at) FROM ai_forecasts WHERE sku = {sku:String})
ORDER BY ds"""
# Units sold per day (orders placed, as the forecast's training data counts them); the vendor filter sits in the
# query itself, so another vendor's SKU reads as no sales.
HISTORY_SQL = """
SELECT toDate(created_at) AS day, toInt64(sum(qty)) AS units FROM order_items FINAL
WHERE vendor_id = {vendor:String} AND sku = {sku:String} AND created_at >= now() - toIntervalDay({days:UInt32})
GROUP BY day ORDER BY day"""
OWNER_SQL = "SELECT vendor_id FROM ai_stock_plans FINAL WHERE sku = {sku:String} LIMIT 1"
PRICES_SQL = f"""
SELECT {PRICE_COLUMNS} FROM ai_price_suggestions FINAL
WHERE vendor_id = {{vendor:String}} AND ({{sku:String}} = '' OR sku = {{sku:String}})
ORDER BY sku LIMIT {{limit:UInt32}} OFFSET {{offset:UInt32}}"""


class WarehouseUnavailable(RuntimeError):
    pass


def clean(value: Any) -> Any:
    """JSON-safe values: NaN/inf (no estimate) become None, dates ISO strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):  # the warehouse's columns are UTC; the driver may hand them back naive
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class VendorInsightsStore:
    def __init__(self, settings: CommonSettings) -> None:
        self._settings = settings
        self._local = threading.local()

    def _client(self):
        if getattr(self._local, "client", None) is None:
            self._local.client = warehouse_client(self._settings, connect_timeout=2, send_receive_timeout=15)
        return self._local.client

    def _rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            result = self._client().query(sql, parameters=params)
        except Exception as exc:  # clickhouse-connect raises its own errors, OSError or urllib3's on a dead server
            self._local.client = None
            raise WarehouseUnavailable(f"{type(exc).__name__}: {str(exc)[:200]}") from exc
        return [{c: clean(v) for c, v in zip(result.column_names, row)} for row in result.result_rows]

    async def query(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self._rows, sql, params)

    async def stock_plans(self, vendor_id: str, *, sku: str | None, limit: int, offset: int) -> list[dict]:
        return await self.query(FORECASTS_SQL, vendor=vendor_id, sku=sku or "", limit=limit, offset=offset)

    async def sku_owner(self, sku: str) -> str | None:
        rows = await self.query(OWNER_SQL, sku=sku)
        return rows[0]["vendor_id"] if rows else None

    async def daily(self, sku: str) -> list[dict]:
        return await self.query(DAILY_SQL, sku=sku)

    async def sales_history(self, vendor_id: str, sku: str, *, days: int) -> list[dict]:
        return await self.query(HISTORY_SQL, vendor=vendor_id, sku=sku, days=days)

    async def price_suggestions(self, vendor_id: str, *, sku: str | None, limit: int, offset: int) -> list[dict]:
        return await self.query(PRICES_SQL, vendor=vendor_id, sku=sku or "", limit=limit, offset=offset)

    async def ping(self) -> None:
        await self.query("SELECT 1")
