"""Events produced by the orders domain (topic orders.v1, key = orderNo, so one order's events stay in order).

Amounts are integer minor units of the order's `currency`. Addresses carry only city, postal code and country
(enough for regional analytics and shipping); street lines and names stay in the orders database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import ORDERS

OrderStatus = Literal["unfulfilled", "processing", "shipped", "delivered", "cancelled", "returned"]
PaymentStatus = Literal["pending", "paid", "failed", "refunded", "partial"]
ReturnStatus = Literal["requested", "approved", "received", "rejected"]


class Totals(Payload):
    subtotal_minor: int = Field(alias="subtotalMinor", ge=0)
    discount_minor: int = Field(alias="discountMinor", ge=0)
    shipping_minor: int = Field(alias="shippingMinor", ge=0)
    tax_minor: int = Field(alias="taxMinor", ge=0)
    total_minor: int = Field(alias="totalMinor", ge=0)


class OrderLine(Payload):
    sku: str
    product_id: str | None = Field(None, alias="productId")
    vendor_id: str = Field(alias="vendorId")
    qty: int = Field(ge=1)
    price_minor: int = Field(alias="priceMinor", ge=0)
    line_total_minor: int = Field(alias="lineTotalMinor", ge=0)
    discount_minor: int = Field(alias="discountMinor", ge=0)
    category_ids: list[str] = Field(default_factory=list, alias="categoryIds")


class VendorSplit(Payload):
    """gross = the vendor's items after its share of the discount; net = gross - commission."""

    vendor_id: str = Field(alias="vendorId")
    gross_minor: int = Field(alias="grossMinor", ge=0)
    commission_minor: int = Field(alias="commissionMinor", ge=0)
    net_minor: int = Field(alias="netMinor", ge=0)
    shipping_minor: int = Field(alias="shippingMinor", ge=0)
    tax_minor: int = Field(0, alias="taxMinor", ge=0)
    discount_minor: int = Field(0, alias="discountMinor", ge=0)
    commission_type: Literal["percent", "fixed"] = Field("percent", alias="commissionType")
    # percent: basis points of gross; fixed: minor units per vendor per order
    commission_value: int = Field(0, alias="commissionValue", ge=0)


class AddressSummary(Payload):
    city: str
    country: str
    postal_code: str | None = Field(None, alias="postalCode")


class OrderCreated(Payload):
    order_no: str = Field(alias="orderNo")
    order_id: str = Field(alias="orderId")
    user_id: str = Field(alias="userId")
    status: OrderStatus
    payment_status: PaymentStatus = Field(alias="paymentStatus")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    totals: Totals
    items: list[OrderLine]
    vendor_splits: list[VendorSplit] = Field(alias="vendorSplits")
    coupon_code: str | None = Field(None, alias="couponCode")
    shipping_method: str | None = Field(None, alias="shippingMethod")
    shipping_address: AddressSummary = Field(alias="shippingAddress")
    reservation_id: str | None = Field(None, alias="reservationId")
    expires_at: datetime = Field(alias="expiresAt")
    created_at: datetime = Field(alias="createdAt")
    # Fraud signals from the storefront (X-Device-Id) and the request's geolocation, when known.
    device_id: str | None = Field(None, alias="deviceId", max_length=64)
    ip_country: str | None = Field(None, alias="ipCountry", max_length=2)
    ip: str | None = Field(None, max_length=45)  # the client's address as the gateway saw it (X-Forwarded-For)


class OrderPaid(Payload):
    order_no: str = Field(alias="orderNo")
    order_id: str = Field(alias="orderId")
    user_id: str = Field(alias="userId")
    total_minor: int = Field(alias="totalMinor", ge=0)
    currency: str
    vendor_splits: list[VendorSplit] = Field(alias="vendorSplits")
    product_ids: list[str] = Field(default_factory=list, alias="productIds")
    payment_id: str | None = Field(None, alias="paymentId")
    paid_at: datetime = Field(alias="paidAt")


class OrderCancelled(Payload):
    order_no: str = Field(alias="orderNo")
    order_id: str | None = Field(None, alias="orderId")
    user_id: str = Field(alias="userId")
    # "expired" (TTL sweeper), "payment_failed", "admin", ...
    reason: str
    previous_status: OrderStatus | None = Field(None, alias="previousStatus")
    payment_status: PaymentStatus | None = Field(None, alias="paymentStatus")
    total_minor: int | None = Field(None, alias="totalMinor")
    currency: str | None = None
    cancelled_at: datetime = Field(alias="cancelledAt")


class OrderFulfilled(Payload):
    """All of one vendor's items in the order are shipped."""

    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    user_id: str | None = Field(None, alias="userId")
    tracking_nos: list[str] = Field(default_factory=list, alias="trackingNos")
    shipped_at: datetime = Field(alias="shippedAt")


class ItemShipped(Payload):
    order_no: str = Field(alias="orderNo")
    vendor_id: str = Field(alias="vendorId")
    sku: str
    qty: int = Field(ge=1)
    carrier: str | None = None
    tracking_no: str | None = Field(None, alias="trackingNo")
    shipped_at: datetime = Field(alias="shippedAt")


class OrderDelivered(Payload):
    order_no: str = Field(alias="orderNo")
    user_id: str | None = Field(None, alias="userId")
    product_ids: list[str] = Field(default_factory=list, alias="productIds")
    vendor_ids: list[str] = Field(default_factory=list, alias="vendorIds")
    delivered_at: datetime = Field(alias="deliveredAt")


class StatusChanged(Payload):
    order_no: str = Field(alias="orderNo")
    from_: OrderStatus = Field(alias="from")
    to: OrderStatus
    user_id: str | None = Field(None, alias="userId")
    payment_status: PaymentStatus | None = Field(None, alias="paymentStatus")
    note: str | None = None
    at: datetime | None = None


class PaymentStatusChanged(Payload):
    order_no: str = Field(alias="orderNo")
    from_: PaymentStatus = Field(alias="from")
    to: PaymentStatus
    refunded_minor: int = Field(0, alias="refundedMinor", ge=0)
    total_minor: int = Field(alias="totalMinor", ge=0)
    at: datetime


class ReturnLine(Payload):
    sku: str
    qty: int = Field(ge=1)
    amount_minor: int = Field(alias="amountMinor", ge=0)
    vendor_id: str | None = Field(None, alias="vendorId")


class ReturnRequested(Payload):
    order_no: str = Field(alias="orderNo")
    rma_id: str = Field(alias="rmaId")
    user_id: str = Field(alias="userId")
    items: list[ReturnLine]
    amount_minor: int = Field(0, alias="amountMinor", ge=0)
    currency: str | None = None
    reason: str
    requested_at: datetime | None = Field(None, alias="requestedAt")


class ReturnStatusChanged(Payload):
    order_no: str = Field(alias="orderNo")
    rma_id: str = Field(alias="rmaId")
    from_: ReturnStatus = Field(alias="from")
    to: ReturnStatus
    at: datetime


class OrderReturned(Payload):
    """An RMA's goods came back (admin marked it received): inventory restocks `items`."""

    order_no: str = Field(alias="orderNo")
    rma_id: str = Field(alias="rmaId")
    user_id: str | None = Field(None, alias="userId")
    items: list[ReturnLine] = Field(default_factory=list)
    amount_minor: int = Field(0, alias="amountMinor", ge=0)
    currency: str | None = None
    order_status: OrderStatus | None = Field(None, alias="orderStatus")
    received_at: datetime | None = Field(None, alias="receivedAt")


CONTRACTS = [
    Contract("order.created", 1, ORDERS, OrderCreated),
    Contract("order.paid", 1, ORDERS, OrderPaid),
    Contract("order.cancelled", 1, ORDERS, OrderCancelled),
    Contract("order.item_shipped", 1, ORDERS, ItemShipped),
    Contract("order.fulfilled", 1, ORDERS, OrderFulfilled),
    Contract("order.delivered", 1, ORDERS, OrderDelivered),
    Contract("order.status_changed", 1, ORDERS, StatusChanged),
    Contract("order.payment_status_changed", 1, ORDERS, PaymentStatusChanged),
    Contract("order.return_requested", 1, ORDERS, ReturnRequested),
    Contract("order.return_status_changed", 1, ORDERS, ReturnStatusChanged),
    Contract("order.returned", 1, ORDERS, OrderReturned),
]
