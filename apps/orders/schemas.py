"""The orders HTTP contract (API.md § Orders & payments): request bodies and the answers of every route."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints, field_validator, model_validator

from apps.orders.orm import SKU_MAX
from kernel.api_model import ApiModel
from kernel.paging import Page

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SKU_MAX)]
POSTAL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,19}$"


class AddressIn(ApiModel):
    name: str | None = Field(None, max_length=200)
    line1: Text
    line2: str | None = Field(None, max_length=200)
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    state: str | None = Field(None, max_length=100)
    postal_code: str = Field(pattern=POSTAL_CODE_PATTERN)
    country: str = Field(pattern=r"^[A-Za-z]{2}$")
    phone: str | None = Field(None, max_length=32)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class OrderCreate(ApiModel):
    """Exactly one of shippingAddressId (from the address book) or shippingAddress (inline)."""

    shipping_address_id: str | None = Field(None, min_length=1, max_length=64)
    shipping_address: AddressIn | None = None
    shipping_method: Literal["standard", "express"] = "standard"

    @model_validator(mode="after")
    def _one_address(self) -> "OrderCreate":
        if (self.shipping_address_id is None) == (self.shipping_address is None):
            raise ValueError("send exactly one of shippingAddressId or shippingAddress")
        return self


class Totals(ApiModel):
    subtotal_minor: int
    discount_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    currency: str


class OrderItemOut(ApiModel):
    sku: str
    product_id: str | None
    vendor_id: str
    title: str | None
    qty: int
    price_minor: int
    line_total_minor: int
    discount_minor: int
    status: str
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    returned_qty: int


class VendorSplitOut(ApiModel):
    vendor_id: str
    items_subtotal_minor: int
    discount_minor: int
    gross_minor: int
    commission_minor: int
    net_minor: int
    shipping_minor: int
    tax_minor: int
    commission_type: str
    commission_value: int
    fulfilled_at: datetime | None


class TimelineOut(ApiModel):
    kind: str
    from_status: str | None = Field(alias="from")
    to_status: str | None = Field(alias="to")
    note: str | None
    actor: str | None
    at: datetime


class OrderOut(ApiModel):
    order_id: str
    order_no: str
    user_id: str
    status: str
    payment_status: str
    currency: str
    totals: Totals
    refunded_minor: int
    items: list[OrderItemOut]
    vendor_splits: list[VendorSplitOut]
    coupon_code: str | None
    shipping_method: str
    shipping_eta_days: int | None
    shipping_address: dict
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    timeline: list[TimelineOut]
    # Fraud screening (serving's decisions): held while the risk team reviews it; the last decision applied.
    fraud_hold: bool = False
    fraud_decision: str | None = None


class InternalOrderOut(OrderOut):
    reservation_id: str | None
    payment_id: str | None


class VendorOrderOut(ApiModel):
    """A vendor's view of an order: only its own items and split (plus where to ship them)."""

    order_no: str
    status: str
    payment_status: str
    currency: str
    items: list[OrderItemOut]
    vendor_split: VendorSplitOut
    shipping_method: str
    shipping_address: dict
    created_at: datetime
    paid_at: datetime | None


class OrderPage(Page[OrderOut]):
    pass


class VendorOrderPage(Page[VendorOrderOut]):
    pass


class StatusPatch(ApiModel):
    status: Literal["processing", "shipped", "delivered", "cancelled", "returned", "unfulfilled"]
    note: str | None = Field(None, max_length=1000)


class ShipIn(ApiModel):
    carrier: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    tracking_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class ReturnLineIn(ApiModel):
    sku: Sku
    qty: StrictInt = Field(ge=1, le=1_000_000)


class ReturnCreate(ApiModel):
    items: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]

    @field_validator("items")
    @classmethod
    def _distinct(cls, items: list[ReturnLineIn]) -> list[ReturnLineIn]:
        if len({i.sku for i in items}) != len(items):
            raise ValueError("each sku at most once")
        return items


class ReturnLineOut(ApiModel):
    sku: str
    vendor_id: str
    qty: int
    amount_minor: int


class ReturnOut(ApiModel):
    rma_id: str
    order_no: str
    status: str
    reason: str
    note: str | None
    items: list[ReturnLineOut]
    amount_minor: int
    currency: str
    created_at: datetime
    updated_at: datetime


class ReturnPage(Page[ReturnOut]):
    pass


class ReturnPatch(ApiModel):
    status: Literal["approved", "received", "rejected"]
    note: str | None = Field(None, max_length=1000)
