"""The coupons HTTP contract: admin routes (API.md § Cart & coupons) and the internal routes cart and orders call.

`value`: a whole percent 1..100 for type "percent" (10 = 10 % off), minor units of `currency` for type "fixed".
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator, model_validator

from apps.coupons.domain import CODE_PATTERN, normalize_code
from kernel.ids import is_uuid

MAX_MINOR = 10**12  # far above any real amount, far below BIGINT: absurd input is a 422, not an overflow
Minor = Annotated[StrictInt, Field(ge=0, le=MAX_MINOR)]
Positive = Annotated[StrictInt, Field(ge=1, le=MAX_MINOR)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Sku = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OrderNo = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
CodeIn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


def _uuid(value: str, name: str) -> str:
    if not is_uuid(value):
        raise ValueError(f"{name} must be a UUID")
    return value.lower()


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class ScopeIn(_Model):
    scope_type: Literal["vendor", "category", "product", "user"] = Field(alias="scopeType")
    ref_id: str = Field(alias="refId", max_length=64)

    @field_validator("ref_id")
    @classmethod
    def _ref(cls, value: str) -> str:
        return _uuid(value, "refId")


class CouponCreate(_Model):
    code: CodeIn = Field(description="Stored upper-case; 3..40 of A-Z 0-9 _ -")
    type: Literal["percent", "fixed"]
    value: Positive = Field(description="percent: whole percent 1..100; fixed: minor units of currency")
    currency: Currency | None = None
    min_order_minor: Minor | None = Field(None, alias="minOrderMinor")
    max_discount_minor: Positive | None = Field(None, alias="maxDiscountMinor")
    starts_at: datetime = Field(alias="startsAt", description="UTC when no offset is given")
    ends_at: datetime = Field(alias="endsAt")
    usage_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = Field(None, alias="usageLimit")
    per_user_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = Field(None, alias="perUserLimit")
    scopes: list[ScopeIn] = Field(default_factory=list, max_length=200)
    active: bool = True

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        code = normalize_code(value)
        if not re.fullmatch(CODE_PATTERN, code):
            raise ValueError("code must be 3..40 characters of A-Z, 0-9, _ and -, starting with a letter or digit")
        return code

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)

    @model_validator(mode="after")
    def _distinct_scopes(self) -> "CouponCreate":
        pairs = [(s.scope_type, s.ref_id) for s in self.scopes]
        if len(set(pairs)) != len(pairs):
            raise ValueError("a scope appears twice")
        return self


class CouponPatch(_Model):
    """What an admin may change after creation: disable/enable, move the end, change the limits."""

    active: bool | None = None
    ends_at: datetime | None = Field(None, alias="endsAt")
    usage_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = Field(None, alias="usageLimit")
    per_user_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = Field(None, alias="perUserLimit")

    @field_validator("ends_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class ScopeOut(_Model):
    scope_type: str = Field(alias="scopeType")
    ref_id: str = Field(alias="refId")


class CouponOut(_Model):
    id: str
    code: str
    type: str
    value: int
    currency: str
    min_order_minor: int | None = Field(None, alias="minOrderMinor")
    max_discount_minor: int | None = Field(None, alias="maxDiscountMinor")
    starts_at: datetime = Field(alias="startsAt")
    ends_at: datetime = Field(alias="endsAt")
    usage_limit: int | None = Field(None, alias="usageLimit")
    per_user_limit: int | None = Field(None, alias="perUserLimit")
    used_count: int = Field(alias="usedCount")
    active: bool
    scopes: list[ScopeOut]
    created_at: datetime = Field(alias="createdAt")


class CouponPage(_Model):
    items: list[CouponOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")


# ---- internal ----------------------------------------------------------------------------------------------------

class EvalLine(_Model):
    sku: Sku
    product_id: str | None = Field(None, alias="productId", max_length=64)
    vendor_id: str | None = Field(None, alias="vendorId", max_length=64)
    category_ids: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, alias="categoryIds", max_length=50)
    qty: Annotated[StrictInt, Field(ge=1, le=10_000)]
    price_minor: Minor = Field(alias="priceMinor")


class EvaluateIn(_Model):
    code: CodeIn
    user_id: str = Field(alias="userId", max_length=64)
    items: list[EvalLine] = Field(default_factory=list, max_length=500)
    currency: Currency = "USD"

    @field_validator("user_id")
    @classmethod
    def _user(cls, value: str) -> str:
        return _uuid(value, "userId")

    @model_validator(mode="after")
    def _distinct_skus(self) -> "EvaluateIn":
        skus = [line.sku for line in self.items]
        if len(set(skus)) != len(skus):
            raise ValueError("a sku appears twice; send one line per sku")
        return self


class AllocationOut(_Model):
    sku: str
    discount_minor: int = Field(alias="discountMinor")


class EvaluateOut(_Model):
    valid: bool
    discount_minor: int = Field(alias="discountMinor")
    reason: str | None = None
    message: str | None = None
    allocations: list[AllocationOut]
    code: str
    coupon_id: str | None = Field(None, alias="couponId")
    eligible_subtotal_minor: int = Field(0, alias="eligibleSubtotalMinor")
    currency: str


class RedeemIn(_Model):
    code: CodeIn
    user_id: str = Field(alias="userId", max_length=64)
    order_no: OrderNo = Field(alias="orderNo")
    discount_minor: Minor = Field(alias="discountMinor")
    currency: Currency | None = None

    @field_validator("user_id")
    @classmethod
    def _user(cls, value: str) -> str:
        return _uuid(value, "userId")


class RedemptionOut(_Model):
    redemption_id: str = Field(alias="redemptionId")
    coupon_id: str = Field(alias="couponId")
    code: str
    user_id: str = Field(alias="userId")
    order_no: str = Field(alias="orderNo")
    discount_minor: int = Field(alias="discountMinor")
    currency: str
    status: str
    redeemed_at: datetime = Field(alias="redeemedAt")
    released_at: datetime | None = Field(None, alias="releasedAt")


class ReleaseIn(_Model):
    order_no: OrderNo = Field(alias="orderNo")
