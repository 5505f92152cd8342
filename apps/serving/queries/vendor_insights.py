"""Vendor insights: stock-out forecasts and price suggestions from the champions' batch predictions.

Forecasts are always on. Price suggestions sit behind the `pricing_ai` feature flag, evaluated per vendor (the
vendor id is the subject, so a partial rollout picks a sticky share of vendors): when it is off the routes answer
404 with the problem type `feature-disabled`, the same as a route that does not exist for this vendor, and say so
in the detail. A vendor may accept a suggestion (the catalog then sells the SKU at the suggested price, set through
the catalog's own vendor route with the vendor's token, so the catalog's rules and events apply) or dismiss it;
either is recorded once per batch run and SKU (use_cases/decide_price.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from apps.serving.orm.vendor_insights import PriceDecision
from apps.serving.schemas.vendor_insights import (
    DailyForecastOut, DailyPoint, ForecastOut, PriceSuggestionOut, SalesHistoryOut, SalesPoint,
)
from apps.serving.warehouse import VendorInsightsStore, WarehouseUnavailable
from kernel.errors import NotFound, ServiceUnavailable
from kernel.flags import FeatureFlags
from kernel.uow import UnitOfWork

PRICING_FLAG = "pricing_ai"


class FeatureDisabled(NotFound):
    title, type_slug = "Feature disabled", "feature-disabled"


async def _read(call) -> Any:
    try:
        return await call
    except WarehouseUnavailable as exc:
        raise ServiceUnavailable("The warehouse holding the batch predictions is unavailable; try again shortly.",
                                 errors=[{"field": "warehouse", "message": str(exc)}]) from None


def forecast_out(row: dict[str, Any]) -> ForecastOut:
    def r(value: float | None, digits: int) -> float | None:
        return None if value is None else round(value, digits)

    return ForecastOut(
        sku=row["sku"], horizonDays=row["horizon_days"], forecastQty=r(row["forecast_units"], 2) or 0.0,
        daysToStockout=r(row["days_to_stockout"], 1), reorderQty=row["reorder_qty"],
        modelVersion=row["model_version"], productId=row["product_id"], stockoutDate=row["stockout_date"],
        forecastLower=r(row["forecast_lower"], 2), forecastUpper=r(row["forecast_upper"], 2),
        dailyRate=r(row["daily_rate"], 4), currentStock=row["current_stock"],
        leadTimeDays=r(row["lead_time_days"], 1), safetyStock=r(row["safety_stock"], 2),
        reorderPoint=r(row["reorder_point"], 2), method=row["method"], forecastStart=row["forecast_start"],
        generatedAt=row["generated_at"])


async def forecasts(store: VendorInsightsStore, vendor_id: str, *, sku: str | None, limit: int,
                    offset: int) -> list[ForecastOut]:
    rows = await _read(store.stock_plans(vendor_id, sku=sku, limit=limit, offset=offset))
    return [forecast_out(row) for row in rows]


async def daily_forecast(store: VendorInsightsStore, vendor_id: str, sku: str) -> DailyForecastOut:
    if await _read(store.sku_owner(sku)) != vendor_id:  # someone else's SKU reads as missing: no probing
        raise NotFound(f"No forecast for SKU {sku!r} of this vendor.")
    rows = await _read(store.daily(sku))
    return DailyForecastOut(sku=sku, modelVersion=rows[0]["model_version"] if rows else None,
                            generatedAt=rows[0]["generated_at"] if rows else None,
                            days=[DailyPoint(date=r["ds"], qty=r["yhat"], lower=r["yhat_lower"],
                                             upper=r["yhat_upper"]) for r in rows])


async def sales_history(store: VendorInsightsStore, vendor_id: str, sku: str, *, days: int) -> SalesHistoryOut:
    rows = await _read(store.sales_history(vendor_id, sku, days=days))
    return SalesHistoryOut(sku=sku, days=[SalesPoint(date=r["day"], units=r["units"]) for r in rows])


async def require_pricing(flags: FeatureFlags, vendor_id: str) -> None:
    if not await flags.is_enabled(PRICING_FLAG, vendor_id):
        raise FeatureDisabled("Price suggestions are turned off (feature flag pricing_ai).",
                              errors=[{"field": "featureFlag", "message": PRICING_FLAG}])


def _run(row: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(row["generated_at"])


async def price_suggestions(store: VendorInsightsStore, flags: FeatureFlags, uow: UnitOfWork, vendor_id: str, *,
                            sku: str | None, limit: int, offset: int) -> list[PriceSuggestionOut]:
    await require_pricing(flags, vendor_id)
    rows = await _read(store.price_suggestions(vendor_id, sku=sku, limit=limit, offset=offset))
    async with uow.reading():
        decided = {(d.sku, d.suggestion_generated_at): d.decision for d in await uow.session.scalars(
            select(PriceDecision).where(PriceDecision.vendor_id == vendor_id,
                                        PriceDecision.sku.in_([r["sku"] for r in rows])))}
    return [PriceSuggestionOut(
        sku=r["sku"], currentPriceMinor=r["current_price_minor"], suggestedPriceMinor=r["suggested_price_minor"],
        confidence=r["confidence"], productId=r["product_id"], minPriceMinor=r["min_price_minor"],
        maxPriceMinor=r["max_price_minor"], changePct=r["change_pct"], elasticity=r["elasticity"],
        expectedUnitsChangePct=r["expected_units_change_pct"], expectedGainPct=r["expected_gain_pct"],
        objective=r["objective"], binding=r["binding"], modelVersion=r["model_version"], generatedAt=r["generated_at"],
        status=decided.get((r["sku"], _run(r)), "open")) for r in rows]
