"""Events produced by the cart domain (topic carts.v1, key = userId, so one shopper's cart events stay in order).

item_added / item_removed are the add-to-cart clickstream recommendations learn from: a quantity change is an
add or a removal of the difference, so summing `qty` per (user, sku) always gives what is in the cart.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import CARTS

Currency = Field(pattern=r"^[A-Z]{3}$")


class CartItemChanged(Payload):
    user_id: str = Field(alias="userId")
    sku: str
    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    qty: int = Field(ge=1, description="units added or removed by this change")
    line_qty: int = Field(alias="lineQty", ge=0, description="units of this SKU in the cart after the change")
    price_minor: int = Field(alias="priceMinor", ge=0, description="unit price captured when the line was added")
    currency: str = Currency
    category_ids: list[str] = Field(default_factory=list, alias="categoryIds")
    reason: Literal["added", "qty_changed", "removed"] = "added"
    at: datetime


class CartCouponChanged(Payload):
    user_id: str = Field(alias="userId")
    code: str
    discount_minor: int = Field(0, alias="discountMinor", ge=0, description="the discount when applied")
    currency: str = Currency
    at: datetime


class CheckedOutLine(Payload):
    sku: str
    qty: int = Field(ge=1)
    price_minor: int = Field(alias="priceMinor", ge=0)
    product_id: str | None = Field(None, alias="productId")
    vendor_id: str | None = Field(None, alias="vendorId")


class CartCheckedOut(Payload):
    user_id: str = Field(alias="userId")
    order_no: str = Field(alias="orderNo")
    items: list[CheckedOutLine]
    subtotal_minor: int = Field(alias="subtotalMinor", ge=0)
    currency: str = Currency
    coupon_code: str | None = Field(None, alias="couponCode")
    checked_out_at: datetime = Field(alias="checkedOutAt")


CONTRACTS = [
    Contract("cart.item_added", 1, CARTS, CartItemChanged),
    Contract("cart.item_removed", 1, CARTS, CartItemChanged),
    Contract("cart.coupon_applied", 1, CARTS, CartCouponChanged),
    Contract("cart.coupon_removed", 1, CARTS, CartCouponChanged),
    Contract("cart.checked_out", 1, CARTS, CartCheckedOut),
]
