"""The orders HTTP contract (API.md § Orders & payments): request bodies and the answers of every route."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator, model_validator

from apps.orders.orm import SKU_MAX

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SKU_MAX)]
POSTAL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,19}$"


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class AddressIn(_Model):
    name: str | None = Field(None, max_length=200)
    line1: Text
    line2: str | None = Field(None, max_length=200)
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    state: str | None = Field(None, max_length=100)
    postal_code: str = Field(alias="postalCode", pattern=POSTAL_CODE_PATTERN)
    country: str = Field(pattern=r"^[A-Za-z]{2}$")
    phone: str | None = Field(None, max_length=32)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class OrderCreate(_Model):
    """Exactly one of shippingAddressId (from the address book) or shippingAddress (inline)."""

    shipping_address_id: str | None = Field(None, alias="shippingAddressId", min_length=1, max_length=64)
    shipping_address: AddressIn | None = Field(None, alias="shippingAddress")
    shipping_method: Literal["standard", "express"] = Field("standard", alias="shippingMethod")

    @model_validator(mode="after")
    def _one_address(self) -> "OrderCreate":
        if (self.shipping_address_id is None) == (self.shipping_address is None):
            raise ValueError("send exactly one of shippingAddressId or shippingAddress")
        return self


class Totals(_Model):
    subtotal_minor: int = Field(alias="subtotalMinor")
    discount_minor: int = Field(alias="discountMinor")
    shipping_minor: int = Field(alias="shippingMinor")
    tax_minor: int = Field(alias="taxMinor")
    total_minor: int = Field(alias="totalMinor")
    currency: str


class OrderItemOut(_Model):
    sku: str
    product_id: str | None = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    title: str | None
    qty: int
    price_minor: int = Field(alias="priceMinor")
    line_total_minor: int = Field(alias="lineTotalMinor")
    discount_minor: int = Field(alias="discountMinor")
    status: str
    carrier: str | None
    tracking_no: str | None = Field(alias="trackingNo")
    shipped_at: datetime | None = Field(alias="shippedAt")
    delivered_at: datetime | None = Field(alias="deliveredAt")
    returned_qty: int = Field(alias="returnedQty")


class VendorSplitOut(_Model):
    vendor_id: str = Field(alias="vendorId")
    items_subtotal_minor: int = Field(alias="itemsSubtotalMinor")
    discount_minor: int = Field(alias="discountMinor")
    gross_minor: int = Field(alias="grossMinor")
    commission_minor: int = Field(alias="commissionMinor")
    net_minor: int = Field(alias="netMinor")
    shipping_minor: int = Field(alias="shippingMinor")
    tax_minor: int = Field(alias="taxMinor")
    commission_type: str = Field(alias="commissionType")
    commission_value: int = Field(alias="commissionValue")
    fulfilled_at: datetime | None = Field(alias="fulfilledAt")


class TimelineOut(_Model):
    kind: str
    from_status: str | None = Field(alias="from")
    to_status: str | None = Field(alias="to")
    note: str | None
    actor: str | None
    at: datetime


class OrderOut(_Model):
    order_id: str = Field(alias="orderId")
    order_no: str = Field(alias="orderNo")
    user_id: str = Field(alias="userId")
    status: str
    payment_status: str = Field(alias="paymentStatus")
    currency: str
    totals: Totals
    refunded_minor: int = Field(alias="refundedMinor")
    items: list[OrderItemOut]
    vendor_splits: list[VendorSplitOut] = Field(alias="vendorSplits")
    coupon_code: str | None = Field(alias="couponCode")
    shipping_method: str = Field(alias="shippingMethod")
    shipping_eta_days: int | None = Field(alias="shippingEtaDays")
    shipping_address: dict = Field(alias="shippingAddress")
    expires_at: datetime = Field(alias="expiresAt")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    paid_at: datetime | None = Field(alias="paidAt")
    cancelled_at: datetime | None = Field(alias="cancelledAt")
    cancel_reason: str | None = Field(alias="cancelReason")
    shipped_at: datetime | None = Field(alias="shippedAt")
    delivered_at: datetime | None = Field(alias="deliveredAt")
    timeline: list[TimelineOut]
    # Fraud screening (serving's decisions): held while the risk team reviews it; the last decision applied.
    fraud_hold: bool = Field(False, alias="fraudHold")
    fraud_decision: str | None = Field(None, alias="fraudDecision")


class InternalOrderOut(OrderOut):
    reservation_id: str | None = Field(alias="reservationId")
    payment_id: str | None = Field(alias="paymentId")


class VendorOrderOut(_Model):
    """A vendor's view of an order: only its own items and split (plus where to ship them)."""

    order_no: str = Field(alias="orderNo")
    status: str
    payment_status: str = Field(alias="paymentStatus")
    currency: str
    items: list[OrderItemOut]
    vendor_split: VendorSplitOut = Field(alias="vendorSplit")
    shipping_method: str = Field(alias="shippingMethod")
    shipping_address: dict = Field(alias="shippingAddress")
    created_at: datetime = Field(alias="createdAt")
    paid_at: datetime | None = Field(alias="paidAt")


class OrderPage(_Model):
    items: list[OrderOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


class VendorOrderPage(_Model):
    items: list[VendorOrderOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


class StatusPatch(_Model):
    status: Literal["processing", "shipped", "delivered", "cancelled", "returned", "unfulfilled"]
    note: str | None = Field(None, max_length=1000)


class ShipIn(_Model):
    carrier: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    tracking_no: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] = Field(
        alias="trackingNo")


class ReturnLineIn(_Model):
    sku: Sku
    qty: StrictInt = Field(ge=1, le=1_000_000)


class ReturnCreate(_Model):
    items: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]

    @field_validator("items")
    @classmethod
    def _distinct(cls, items: list[ReturnLineIn]) -> list[ReturnLineIn]:
        if len({i.sku for i in items}) != len(items):
            raise ValueError("each sku at most once")
        return items


class ReturnLineOut(_Model):
    sku: str
    vendor_id: str = Field(alias="vendorId")
    qty: int
    amount_minor: int = Field(alias="amountMinor")


class ReturnOut(_Model):
    rma_id: str = Field(alias="rmaId")
    order_no: str = Field(alias="orderNo")
    status: str
    reason: str
    note: str | None
    items: list[ReturnLineOut]
    amount_minor: int = Field(alias="amountMinor")
    currency: str
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")


class ReturnPage(_Model):
    items: list[ReturnOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


class ReturnPatch(_Model):
    status: Literal["approved", "received", "rejected"]
    note: str | None = Field(None, max_length=1000)
