"""The cart HTTP contract (API.md § Cart & coupons) and the internal routes orders calls."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, model_validator

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # the catalog's SKU rule
Sku = Annotated[str, StringConstraints(strip_whitespace=True, pattern=SKU_PATTERN)]
Qty = Annotated[StrictInt, Field(ge=1, le=99, description="units of this SKU in the cart, 1..99")]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class AddItemIn(_Model):
    sku: Sku
    qty: Qty = 1


class QtyIn(_Model):
    qty: Qty


class CouponIn(_Model):
    code: str = Field(min_length=1, max_length=64)


class DestinationIn(_Model):
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    postal_code: str = Field(alias="postalCode", min_length=1, max_length=20, pattern=r"^[A-Za-z0-9 -]+$")


class SummaryIn(_Model):
    shipping_method: Literal["standard", "express"] = Field("standard", alias="shippingMethod")
    destination: DestinationIn | None = None


class CartItemOut(_Model):
    sku: str
    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    title: str
    qty: int
    price_minor: int = Field(alias="priceMinor", description="unit price captured when the line was added")
    currency: str
    category_ids: list[str] = Field(alias="categoryIds")
    weight_grams: int | None = Field(None, alias="weightGrams")
    added_at: str | None = Field(None, alias="addedAt")
    line_total_minor: int = Field(alias="lineTotalMinor")


class CouponOnCart(_Model):
    code: str
    discount_minor: int = Field(alias="discountMinor")


class CartOut(_Model):
    user_id: str = Field(alias="userId")
    items: list[CartItemOut]
    coupon_code: str | None = Field(None, alias="couponCode")
    currency: str
    subtotal_minor: int = Field(alias="subtotalMinor")
    item_count: int = Field(alias="itemCount")
    version: int
    updated_at: str | None = Field(None, alias="updatedAt")
    coupon: CouponOnCart | None = Field(None, description="set by apply-coupon: the discount it gives now")


class SummaryItemOut(CartItemOut):
    discount_minor: int = Field(alias="discountMinor", description="this line's share of the coupon discount")
    purchasable: bool = Field(description="still an active product of an active vendor")


class CouponStatus(_Model):
    code: str
    valid: bool
    discount_minor: int = Field(alias="discountMinor")
    reason: str | None = None
    message: str | None = None


class ShippingOut(_Model):
    amount_minor: int = Field(alias="amountMinor")
    source: Literal["quote", "flat", "none"] = Field(
        description="quote: the shipping service's rate; flat: CART_FLAT_SHIPPING_MINOR; none: nothing to ship")
    service_level: str = Field(alias="serviceLevel")
    eta_days: int | None = Field(None, alias="etaDays")


class SummaryOut(_Model):
    items: list[SummaryItemOut]
    subtotal_minor: int = Field(alias="subtotalMinor")
    discount_minor: int = Field(alias="discountMinor")
    shipping_minor: int = Field(alias="shippingMinor")
    tax_minor: int = Field(alias="taxMinor")
    total_minor: int = Field(alias="totalMinor")
    currency: str
    coupon_code: str | None = Field(None, alias="couponCode")
    coupon: CouponStatus | None = None
    shipping_method: str = Field(alias="shippingMethod")
    shipping: ShippingOut
    tax_rate_bps: int = Field(alias="taxRateBps")
    checkout_ready: bool = Field(alias="checkoutReady")


# ---- internal ----------------------------------------------------------------------------------------------------

class InternalItemOut(_Model):
    sku: str
    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    title: str
    qty: int
    price_minor: int = Field(alias="priceMinor")
    currency: str
    category_ids: list[str] = Field(alias="categoryIds")
    weight_grams: int | None = Field(None, alias="weightGrams")
    added_at: str | None = Field(None, alias="addedAt")
    purchasable: bool = Field(description="still an active product of an active vendor")
    current_price_minor: int | None = Field(None, alias="currentPriceMinor",
                                            description="the catalog's price now (priceMinor is the captured one)")


class InternalCartOut(_Model):
    user_id: str = Field(alias="userId")
    items: list[InternalItemOut]
    coupon_code: str | None = Field(None, alias="couponCode")
    currency: str
    version: int
    updated_at: str | None = Field(None, alias="updatedAt")


class OrderedLine(_Model):
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=1, le=10_000)]


class CheckedOutIn(_Model):
    order_no: str = Field(alias="orderNo", min_length=1, max_length=64)
    items: list[OrderedLine] | None = Field(
        None, max_length=500, description="the ordered sku/qty pairs; omitted = the whole cart")

    @model_validator(mode="after")
    def _distinct(self) -> "CheckedOutIn":
        skus = [line.sku for line in self.items or []]
        if len(set(skus)) != len(skus):
            raise ValueError("a sku appears twice")
        return self
