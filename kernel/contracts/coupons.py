"""Events produced by the coupons domain (topic coupons.v1, key = couponId, so a coupon's uses stay in order).

Percent coupons carry `value` as a whole percent (1..100); fixed ones in minor units of `currency`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import COUPONS


class CouponScope(Payload):
    scope_type: Literal["vendor", "category", "product", "user"] = Field(alias="scopeType")
    ref_id: str = Field(alias="refId")


class CouponCreated(Payload):
    coupon_id: str = Field(alias="couponId")
    code: str
    type: Literal["percent", "fixed"]
    value: int = Field(ge=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    min_order_minor: int | None = Field(None, alias="minOrderMinor", ge=0)
    max_discount_minor: int | None = Field(None, alias="maxDiscountMinor", ge=1)
    starts_at: datetime = Field(alias="startsAt")
    ends_at: datetime = Field(alias="endsAt")
    usage_limit: int | None = Field(None, alias="usageLimit", ge=1)
    per_user_limit: int | None = Field(None, alias="perUserLimit", ge=1)
    scopes: list[CouponScope] = Field(default_factory=list)
    active: bool = True
    created_by: str | None = Field(None, alias="createdBy")
    created_at: datetime = Field(alias="createdAt")


class CouponUpdated(CouponCreated):
    """The whole coupon after an admin change (disabled, window or limits moved)."""

    changed_fields: list[str] = Field(alias="changedFields")
    used_count: int = Field(alias="usedCount", ge=0)
    updated_by: str | None = Field(None, alias="updatedBy")
    updated_at: datetime = Field(alias="updatedAt")


class CouponUseChanged(Payload):
    """coupon.redeemed / coupon.released: one order's use of a coupon taken or given back."""

    code: str
    coupon_id: str = Field(alias="couponId")
    redemption_id: str = Field(alias="redemptionId")
    user_id: str = Field(alias="userId")
    order_no: str = Field(alias="orderNo")
    discount_minor: int = Field(alias="discountMinor", ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    used_count: int = Field(alias="usedCount", ge=0, description="the coupon's uses after this change")
    usage_limit: int | None = Field(None, alias="usageLimit")
    at: datetime


CONTRACTS = [
    Contract("coupon.created", 1, COUPONS, CouponCreated),
    Contract("coupon.updated", 1, COUPONS, CouponUpdated),
    Contract("coupon.redeemed", 1, COUPONS, CouponUseChanged),
    Contract("coupon.released", 1, COUPONS, CouponUseChanged),
]
