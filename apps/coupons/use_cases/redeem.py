"""Take a coupon's use for an order (redeem) and give it back (release, on cancel or payment failure).

Usage limits hold under concurrency because every redeem and release locks the coupon row (SELECT ... FOR UPDATE)
before counting: racing redeems for the last use queue on that lock, and only the first sees a use left.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.coupons import domain
from apps.coupons.exceptions import CouponExhausted, CouponNotFound, CouponNotRedeemable, InvalidCoupon
from apps.coupons.orm import Coupon, Redemption
from apps.coupons.queries import _by_code, _usage, now, terms_of
from apps.coupons.repository import CouponRepository
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _use_payload(coupon: Coupon, r: Redemption, at: datetime) -> dict:
    return {"code": coupon.code, "couponId": coupon.id, "redemptionId": r.id, "userId": r.user_id,
            "orderNo": r.order_no, "discountMinor": r.discount_minor, "currency": r.currency,
            "usedCount": coupon.used_count, "usageLimit": coupon.usage_limit, "at": at}


def _check_amount(coupon: Coupon, discount_minor: int) -> None:
    cap = coupon.max_discount_minor
    if coupon.type == "fixed":
        cap = coupon.value if cap is None else min(cap, coupon.value)
    if cap is not None and discount_minor > cap:
        raise InvalidCoupon(f"discountMinor {discount_minor} exceeds what this coupon can give ({cap}).",
                            errors=[{"field": "discountMinor", "message": f"at most {cap}"}])


@dataclass(frozen=True)
class Redeemed:
    redemption: Redemption
    coupon: Coupon
    created: bool  # False: this order already held the use (an idempotent retry)


@use_case
async def redeem(*, uow: UnitOfWork, code: str, user_id: str, order_no: str, discount_minor: int,
                 currency: str | None) -> Redeemed:
    coupon = await _by_code(uow, code, lock=True)  # every redeem of this coupon queues here
    if coupon is None:
        raise CouponNotFound(f"No coupon {domain.normalize_code(code)!r}.")
    coupons = uow.repository(CouponRepository)
    existing = await coupons.redemption(coupon.id, order_no)
    if existing is not None and existing.status == "redeemed":
        if existing.user_id != user_id:
            raise CouponExhausted(domain.Reason.USAGE_LIMIT, f"Order {order_no} already used this coupon.")
        return Redeemed(existing, coupon, created=False)
    at = now()
    if reason := domain.redeem_reason(terms_of(coupon), user_id=user_id, now=at,
                                      usage=await _usage(uow, coupon, user_id)):
        error = CouponExhausted if reason in (domain.Reason.USAGE_LIMIT, domain.Reason.PER_USER_LIMIT) \
            else CouponNotRedeemable
        raise error(reason)
    _check_amount(coupon, discount_minor)
    redemption = existing or Redemption(id=new_id_str(), coupon_id=coupon.id, order_no=order_no)
    redemption.user_id, redemption.discount_minor = user_id, discount_minor
    redemption.currency = currency or coupon.currency
    redemption.status, redemption.redeemed_at, redemption.released_at = "redeemed", at, None
    coupon.used_count += 1
    coupon.updated_at = at
    if existing is None:
        await coupons.add(redemption)
    else:
        await coupons.flush()
    uow.emit("coupon.redeemed", _use_payload(coupon, redemption, at), key=coupon.id)
    return Redeemed(redemption, coupon, created=True)


@use_case
async def release(*, uow: UnitOfWork, order_no: str) -> list[Redemption]:
    """Give back every use the order holds (idempotent: released uses stay released)."""
    coupons = uow.repository(CouponRepository)
    coupon_ids = await coupons.coupons_redeemed_by(order_no)
    released = []
    for coupon_id in coupon_ids:  # sorted: two releases touching the same coupons lock them in the same order
        coupon = await coupons.by_id(coupon_id, lock=True)
        redemption = await coupons.redemption(coupon_id, order_no, redeemed_only=True, lock=True)
        if coupon is None or redemption is None:
            continue  # released concurrently
        at = now()
        redemption.status, redemption.released_at = "released", at
        coupon.used_count = max(coupon.used_count - 1, 0)
        coupon.updated_at = at
        await coupons.flush()
        uow.emit("coupon.released", _use_payload(coupon, redemption, at), key=coupon.id)
        released.append(redemption)
    return released
