"""The shipping HTTP contract (API.md § Shipping): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from kernel.api_model import ApiModel

ServiceLevel = Literal["standard", "express"]
Status = Literal["label_created", "in_transit", "out_for_delivery", "delivered", "exception"]
MAX_ITEMS = 200


class Destination(ApiModel):
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=120)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if not value.isascii() or not value.isalpha():
            raise ValueError("must be a two-letter country code")
        return value.upper()


class RateItem(ApiModel):
    sku: str | None = Field(None, max_length=64)
    vendor_id: str | None = Field(None, max_length=64)
    product_id: str | None = Field(None, max_length=64)
    qty: int = Field(ge=1, le=1000)
    weight_grams: int | None = Field(None, ge=0, le=1_000_000)


class RatesIn(ApiModel):
    items: list[RateItem] = Field(min_length=1, max_length=MAX_ITEMS)
    destination: Destination


class QuoteIn(RatesIn):
    service_level: ServiceLevel


class ParcelOut(ApiModel):
    vendor_id: str | None
    weight_grams: int
    amount_minor: int


class RateOut(ApiModel):
    service_level: ServiceLevel
    amount_minor: int
    currency: str
    eta_days: int
    zone: str
    parcels: list[ParcelOut]


class RatesOut(ApiModel):
    rates: list[RateOut]


class LabelIn(ApiModel):
    order_no: str = Field(min_length=1, max_length=64)
    vendor_id: str = Field(min_length=1, max_length=64)
    service_level: ServiceLevel = "standard"


class LabelOut(ApiModel):
    tracking_no: str
    label_url: str
    carrier: str
    service_level: ServiceLevel
    order_no: str
    vendor_id: str
    status: Status
    eta_days: int
    promised_at: datetime
    created_at: datetime


class TrackingEventIn(ApiModel):
    status: Status
    location: str | None = Field(None, max_length=200)
    at: datetime | None = Field(None, description="carrier time of the scan (default: now)")

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone (UTC ISO 8601)")
        return value


class TrackingEventOut(ApiModel):
    status: Status
    at: datetime
    location: str | None = None


class TrackingOut(ApiModel):
    tracking_no: str
    status: Status
    carrier: str
    service_level: ServiceLevel
    promised_at: datetime
    delivered_at: datetime | None = None
    late: bool | None = None
    events: list[TrackingEventOut]
