"""The cart HTTP contract (API.md § Cart & coupons) and the internal routes orders calls."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints, model_validator

from kernel.api_model import ApiModel

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # the catalog's SKU rule
Sku = Annotated[str, StringConstraints(strip_whitespace=True, pattern=SKU_PATTERN)]
Qty = Annotated[StrictInt, Field(ge=1, le=99, description="units of this SKU in the cart, 1..99")]


class AddItemIn(ApiModel):
    sku: Sku
    qty: Qty = 1


class QtyIn(ApiModel):
    qty: Qty


class CouponIn(ApiModel):
    code: str = Field(min_length=1, max_length=64)


class DestinationIn(ApiModel):
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    postal_code: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9 -]+$")


class SummaryIn(ApiModel):
    shipping_method: Literal["standard", "express"] = "standard"
    destination: DestinationIn | None = None


class CartItemOut(ApiModel):
    sku: str
    product_id: str
    vendor_id: str
    title: str
    qty: int
    price_minor: int = Field(description="unit price captured when the line was added")
    currency: str
    category_ids: list[str]
    weight_grams: int | None = None
    added_at: str | None = None
    line_total_minor: int


class CouponOnCart(ApiModel):
    code: str
    discount_minor: int


class CartOut(ApiModel):
    user_id: str
    items: list[CartItemOut]
    coupon_code: str | None = None
    currency: str
    subtotal_minor: int
    item_count: int
    version: int
    updated_at: str | None = None
    coupon: CouponOnCart | None = Field(None, description="set by apply-coupon: the discount it gives now")


class SummaryItemOut(CartItemOut):
    discount_minor: int = Field(description="this line's share of the coupon discount")
    purchasable: bool = Field(description="still an active product of an active vendor")


class CouponStatus(ApiModel):
    code: str
    valid: bool
    discount_minor: int
    reason: str | None = None
    message: str | None = None


class ShippingOut(ApiModel):
    amount_minor: int
    source: Literal["quote", "flat", "none"] = Field(
        description="quote: the shipping service's rate; flat: CART_FLAT_SHIPPING_MINOR; none: nothing to ship")
    service_level: str
    eta_days: int | None = None


class SummaryOut(ApiModel):
    items: list[SummaryItemOut]
    subtotal_minor: int
    discount_minor: int
    shipping_minor: int
    tax_minor: int
    total_minor: int
    currency: str
    coupon_code: str | None = None
    coupon: CouponStatus | None = None
    shipping_method: str
    shipping: ShippingOut
    tax_rate_bps: int
    checkout_ready: bool


# ---- internal ----------------------------------------------------------------------------------------------------

class InternalItemOut(ApiModel):
    sku: str
    product_id: str
    vendor_id: str
    title: str
    qty: int
    price_minor: int
    currency: str
    category_ids: list[str]
    weight_grams: int | None = None
    added_at: str | None = None
    purchasable: bool = Field(description="still an active product of an active vendor")
    current_price_minor: int | None = Field(None,
                                            description="the catalog's price now (priceMinor is the captured one)")


class InternalCartOut(ApiModel):
    user_id: str
    items: list[InternalItemOut]
    coupon_code: str | None = None
    currency: str
    version: int
    updated_at: str | None = None


class OrderedLine(ApiModel):
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=1, le=10_000)]


class CheckedOutIn(ApiModel):
    order_no: str = Field(min_length=1, max_length=64)
    items: list[OrderedLine] | None = Field(
        None, max_length=500, description="the ordered sku/qty pairs; omitted = the whole cart")

    @model_validator(mode="after")
    def _distinct(self) -> "CheckedOutIn":
        skus = [line.sku for line in self.items or []]
        if len(set(skus)) != len(skus):
            raise ValueError("a sku appears twice")
        return self
