"""HTTP contract of vendor insights (API.md § Search & AI): the listed fields exactly, more only by adding."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ForecastOut(_Out):
    sku: str
    horizon_days: int = Field(alias="horizonDays")
    forecast_qty: float = Field(alias="forecastQty", description="Units expected over the horizon")
    days_to_stockout: float | None = Field(alias="daysToStockout",
                                           description="Days until stock runs out at the forecast rate; "
                                                       "null when it never does")
    reorder_qty: int = Field(alias="reorderQty")
    model_version: str = Field(alias="modelVersion")
    # added fields
    product_id: str = Field(alias="productId")
    stockout_date: date | None = Field(None, alias="stockoutDate")
    forecast_lower: float | None = Field(None, alias="forecastLower")
    forecast_upper: float | None = Field(None, alias="forecastUpper")
    daily_rate: float | None = Field(None, alias="dailyRate")
    current_stock: int = Field(alias="currentStock")
    lead_time_days: float | None = Field(None, alias="leadTimeDays")
    safety_stock: float | None = Field(None, alias="safetyStock")
    reorder_point: float | None = Field(None, alias="reorderPoint")
    method: str
    forecast_start: date = Field(alias="forecastStart")
    generated_at: datetime = Field(alias="generatedAt")


class DailyPoint(_Out):
    date: date
    qty: float | None
    lower: float | None
    upper: float | None


class DailyForecastOut(_Out):
    sku: str
    model_version: str | None = Field(alias="modelVersion")
    generated_at: datetime | None = Field(alias="generatedAt")
    days: list[DailyPoint]


class SalesPoint(_Out):
    date: date
    units: int


class SalesHistoryOut(_Out):
    sku: str
    days: list[SalesPoint] = Field(description="Days with sales only, oldest first")


PriceStatus = Literal["open", "accepted", "dismissed"]


class PriceSuggestionOut(_Out):
    sku: str
    current_price_minor: int = Field(alias="currentPriceMinor")
    suggested_price_minor: int = Field(alias="suggestedPriceMinor")
    confidence: float | None
    # added fields
    product_id: str = Field(alias="productId")
    min_price_minor: int = Field(alias="minPriceMinor")
    max_price_minor: int = Field(alias="maxPriceMinor")
    change_pct: float | None = Field(None, alias="changePct")
    elasticity: float | None = None
    expected_units_change_pct: float | None = Field(None, alias="expectedUnitsChangePct")
    expected_gain_pct: float | None = Field(None, alias="expectedGainPct")
    objective: str
    binding: str
    model_version: str = Field(alias="modelVersion")
    generated_at: datetime = Field(alias="generatedAt")
    status: PriceStatus = Field("open", description="What the vendor did with this run's suggestion")


class DecisionIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    note: str | None = Field(None, max_length=500)


class DecisionOut(_Out):
    sku: str
    decision: Literal["accepted", "dismissed"]
    applied: bool = Field(description="accepted: the catalog now sells the SKU at suggestedPriceMinor")
    current_price_minor: int = Field(alias="currentPriceMinor")
    suggested_price_minor: int = Field(alias="suggestedPriceMinor")
    model_version: str = Field(alias="modelVersion")
    suggestion_generated_at: datetime = Field(alias="suggestionGeneratedAt")
    decided_by: str = Field(alias="decidedBy")
    decided_at: datetime = Field(alias="decidedAt")
