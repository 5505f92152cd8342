"""The shipping HTTP contract (API.md § Shipping): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ServiceLevel = Literal["standard", "express"]
Status = Literal["label_created", "in_transit", "out_for_delivery", "delivered", "exception"]
MAX_ITEMS = 200


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class Destination(_Model):
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    postal_code: str | None = Field(None, alias="postalCode", max_length=20)
    city: str | None = Field(None, max_length=120)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if not value.isascii() or not value.isalpha():
            raise ValueError("must be a two-letter country code")
        return value.upper()


class RateItem(_Model):
    sku: str | None = Field(None, max_length=64)
    vendor_id: str | None = Field(None, alias="vendorId", max_length=64)
    product_id: str | None = Field(None, alias="productId", max_length=64)
    qty: int = Field(ge=1, le=1000)
    weight_grams: int | None = Field(None, alias="weightGrams", ge=0, le=1_000_000)


class RatesIn(_Model):
    items: list[RateItem] = Field(min_length=1, max_length=MAX_ITEMS)
    destination: Destination


class QuoteIn(RatesIn):
    service_level: ServiceLevel = Field(alias="serviceLevel")


class ParcelOut(_Model):
    vendor_id: str | None = Field(alias="vendorId")
    weight_grams: int = Field(alias="weightGrams")
    amount_minor: int = Field(alias="amountMinor")


class RateOut(_Model):
    service_level: ServiceLevel = Field(alias="serviceLevel")
    amount_minor: int = Field(alias="amountMinor")
    currency: str
    eta_days: int = Field(alias="etaDays")
    zone: str
    parcels: list[ParcelOut]


class RatesOut(_Model):
    rates: list[RateOut]


class LabelIn(_Model):
    order_no: str = Field(alias="orderNo", min_length=1, max_length=64)
    vendor_id: str = Field(alias="vendorId", min_length=1, max_length=64)
    service_level: ServiceLevel = Field("standard", alias="serviceLevel")


class LabelOut(_Model):
    tracking_no: str = Field(alias="trackingNo")
    label_url: str = Field(alias="labelUrl")
    carrier: str
    service_level: ServiceLevel = Field(alias="serviceLevel")
    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    status: Status
    eta_days: int = Field(alias="etaDays")
    promised_at: datetime = Field(alias="promisedAt")
    created_at: datetime = Field(alias="createdAt")


class TrackingEventIn(_Model):
    status: Status
    location: str | None = Field(None, max_length=200)
    at: datetime | None = Field(None, description="carrier time of the scan (default: now)")

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone (UTC ISO 8601)")
        return value


class TrackingEventOut(_Model):
    status: Status
    at: datetime
    location: str | None = None


class TrackingOut(_Model):
    tracking_no: str = Field(alias="trackingNo")
    status: Status
    carrier: str
    service_level: ServiceLevel = Field(alias="serviceLevel")
    promised_at: datetime = Field(alias="promisedAt")
    delivered_at: datetime | None = Field(None, alias="deliveredAt")
    late: bool | None = None
    events: list[TrackingEventOut]
