"""The coupons HTTP contract: admin routes (API.md § Cart & coupons) and the internal routes cart and orders call.

`value`: a whole percent 1..100 for type "percent" (10 = 10 % off), minor units of `currency` for type "fixed".
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StringConstraints, field_validator, model_validator

from apps.coupons.domain import CODE_PATTERN, normalize_code
from kernel.api_model import ApiModel
from kernel.ids import is_uuid
from kernel.paging import Page

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


class ScopeIn(ApiModel):
    scope_type: Literal["vendor", "category", "product", "user"]
    ref_id: str = Field(max_length=64)

    @field_validator("ref_id")
    @classmethod
    def _ref(cls, value: str) -> str:
        return _uuid(value, "refId")


class CouponCreate(ApiModel):
    code: CodeIn = Field(description="Stored upper-case; 3..40 of A-Z 0-9 _ -")
    type: Literal["percent", "fixed"]
    value: Positive = Field(description="percent: whole percent 1..100; fixed: minor units of currency")
    currency: Currency | None = None
    min_order_minor: Minor | None = None
    max_discount_minor: Positive | None = None
    starts_at: datetime = Field(description="UTC when no offset is given")
    ends_at: datetime
    usage_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = None
    per_user_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = None
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


class CouponPatch(ApiModel):
    """What an admin may change after creation: disable/enable, move the end, change the limits."""

    active: bool | None = None
    ends_at: datetime | None = None
    usage_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = None
    per_user_limit: Annotated[StrictInt, Field(ge=1, le=100_000_000)] | None = None

    @field_validator("ends_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class ScopeOut(ApiModel):
    scope_type: str
    ref_id: str


class CouponOut(ApiModel):
    id: str
    code: str
    type: str
    value: int
    currency: str
    min_order_minor: int | None = None
    max_discount_minor: int | None = None
    starts_at: datetime
    ends_at: datetime
    usage_limit: int | None = None
    per_user_limit: int | None = None
    used_count: int
    active: bool
    scopes: list[ScopeOut]
    created_at: datetime


class CouponPage(Page[CouponOut]):
    pass


# ---- internal ----------------------------------------------------------------------------------------------------

class EvalLine(ApiModel):
    sku: Sku
    product_id: str | None = Field(None, max_length=64)
    vendor_id: str | None = Field(None, max_length=64)
    category_ids: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, max_length=50)
    qty: Annotated[StrictInt, Field(ge=1, le=10_000)]
    price_minor: Minor


class EvaluateIn(ApiModel):
    code: CodeIn
    user_id: str = Field(max_length=64)
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


class AllocationOut(ApiModel):
    sku: str
    discount_minor: int


class EvaluateOut(ApiModel):
    valid: bool
    discount_minor: int
    reason: str | None = None
    message: str | None = None
    allocations: list[AllocationOut]
    code: str
    coupon_id: str | None = None
    eligible_subtotal_minor: int = 0
    currency: str


class RedeemIn(ApiModel):
    code: CodeIn
    user_id: str = Field(max_length=64)
    order_no: OrderNo
    discount_minor: Minor
    currency: Currency | None = None

    @field_validator("user_id")
    @classmethod
    def _user(cls, value: str) -> str:
        return _uuid(value, "userId")


class RedemptionOut(ApiModel):
    redemption_id: str
    coupon_id: str
    code: str
    user_id: str
    order_no: str
    discount_minor: int
    currency: str
    status: str
    redeemed_at: datetime
    released_at: datetime | None = None


class ReleaseIn(ApiModel):
    order_no: OrderNo
