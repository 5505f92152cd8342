"""HTTP contract of vendor insights (API.md § Search & AI): the listed fields exactly, more only by adding."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from kernel.api_model import CamelModel


class ForecastOut(CamelModel):
    sku: str
    horizon_days: int
    forecast_qty: float = Field(description="Units expected over the horizon")
    days_to_stockout: float | None = Field(
                                           description="Days until stock runs out at the forecast rate; "
                                                       "null when it never does")
    reorder_qty: int
    model_version: str
    # added fields
    product_id: str
    stockout_date: date | None = None
    forecast_lower: float | None = None
    forecast_upper: float | None = None
    daily_rate: float | None = None
    current_stock: int
    lead_time_days: float | None = None
    safety_stock: float | None = None
    reorder_point: float | None = None
    method: str
    forecast_start: date
    generated_at: datetime


class DailyPoint(CamelModel):
    date: date
    qty: float | None
    lower: float | None
    upper: float | None


class DailyForecastOut(CamelModel):
    sku: str
    model_version: str | None
    generated_at: datetime | None
    days: list[DailyPoint]


class SalesPoint(CamelModel):
    date: date
    units: int


class SalesHistoryOut(CamelModel):
    sku: str
    days: list[SalesPoint] = Field(description="Days with sales only, oldest first")


PriceStatus = Literal["open", "accepted", "dismissed"]


class PriceSuggestionOut(CamelModel):
    sku: str
    current_price_minor: int
    suggested_price_minor: int
    confidence: float | None
    # added fields
    product_id: str
    min_price_minor: int
    max_price_minor: int
    change_pct: float | None = None
    elasticity: float | None = None
    expected_units_change_pct: float | None = None
    expected_gain_pct: float | None = None
    objective: str
    binding: str
    model_version: str
    generated_at: datetime
    status: PriceStatus = Field("open", description="What the vendor did with this run's suggestion")


class DecisionIn(CamelModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=500)


class DecisionOut(CamelModel):
    sku: str
    decision: Literal["accepted", "dismissed"]
    applied: bool = Field(description="accepted: the catalog now sells the SKU at suggestedPriceMinor")
    current_price_minor: int
    suggested_price_minor: int
    model_version: str
    suggestion_generated_at: datetime
    decided_by: str
    decided_at: datetime
