"""Staff create and change coupons (code unique, terms checked by the domain); each owns its commit."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from apps.coupons import domain
from apps.coupons.exceptions import CodeTaken, InvalidCoupon
from apps.coupons.orm import Coupon, CouponScope
from apps.coupons.queries import _by_code, get_coupon, now, terms_of
from apps.coupons.repository import CouponRepository
from apps.coupons.schemas import CouponCreate, CouponPatch
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _created_payload(c: Coupon) -> dict:
    return {"couponId": c.id, "code": c.code, "type": c.type, "value": c.value, "currency": c.currency,
            "minOrderMinor": c.min_order_minor, "maxDiscountMinor": c.max_discount_minor, "startsAt": c.starts_at,
            "endsAt": c.ends_at, "usageLimit": c.usage_limit, "perUserLimit": c.per_user_limit,
            "scopes": [{"scopeType": s.scope_type, "refId": s.ref_id} for s in c.scopes], "active": c.active,
            "createdBy": c.created_by, "createdAt": c.created_at}


@use_case
async def create_coupon(*, uow: UnitOfWork, cmd: CouponCreate, currency: str, actor_id: str | None) -> Coupon:
    at = now()
    coupon = Coupon(
        id=new_id_str(), code=cmd.code, type=cmd.type, value=cmd.value, currency=cmd.currency or currency,
        min_order_minor=cmd.min_order_minor, max_discount_minor=cmd.max_discount_minor, starts_at=cmd.starts_at,
        ends_at=cmd.ends_at, usage_limit=cmd.usage_limit, per_user_limit=cmd.per_user_limit, used_count=0,
        active=cmd.active, created_by=actor_id if is_uuid(actor_id) else None, created_at=at, updated_at=at)
    coupon.scopes = [CouponScope(scope_type=s.scope_type, ref_id=s.ref_id) for s in cmd.scopes]
    try:
        domain.check_terms(terms_of(coupon))
    except domain.RuleViolation as exc:
        raise InvalidCoupon(str(exc), errors=exc.errors) from None
    if await _by_code(uow, cmd.code) is not None:
        raise CodeTaken(f"A coupon with code {cmd.code!r} exists.")
    try:
        await uow.repository(CouponRepository).add(coupon)
    except IntegrityError:  # a concurrent create of the same code won the unique index
        raise CodeTaken(f"A coupon with code {cmd.code!r} exists.") from None
    uow.emit("coupon.created", _created_payload(coupon), key=coupon.id)
    return coupon


@use_case
async def update_coupon(*, uow: UnitOfWork, coupon_id: str, patch: CouponPatch, actor_id: str | None) -> Coupon:
    """Under the row lock, so a limit cannot drop below the uses a concurrent redeem just took."""
    coupon = await get_coupon(uow, coupon_id, lock=True)
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(coupon, name, value)
    if coupon.usage_limit is not None and coupon.usage_limit < coupon.used_count:
        raise InvalidCoupon(f"usageLimit cannot go below the {coupon.used_count} uses already taken.",
                            errors=[{"field": "usageLimit", "message": f"at least {coupon.used_count}"}])
    try:
        domain.check_terms(terms_of(coupon))
    except domain.RuleViolation as exc:
        raise InvalidCoupon(str(exc), errors=exc.errors) from None
    if not changes:
        return coupon
    coupon.updated_at = now()
    await uow.repository(CouponRepository).flush()
    uow.emit("coupon.updated", {**_created_payload(coupon), "usedCount": coupon.used_count,
                                "changedFields": sorted(patch.model_dump(by_alias=True, exclude_unset=True,
                                                                         exclude_none=True)),
                                "updatedBy": actor_id if is_uuid(actor_id) else None,
                                "updatedAt": coupon.updated_at}, key=coupon.id)
    return coupon
