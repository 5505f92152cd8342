"""Coupon use cases. Never commits; the caller's unit of work does.

Usage limits hold under concurrency because every redeem and release locks the coupon row (SELECT ... FOR UPDATE)
before counting: racing redeems for the last use queue on that lock, and only the first sees a use left.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from apps.coupons import domain
from apps.coupons.exceptions import CodeTaken, CouponExhausted, CouponNotFound, CouponNotRedeemable, InvalidCoupon
from apps.coupons.orm import Coupon, CouponScope, Redemption
from apps.coupons.repository import CouponRepository
from apps.coupons.schemas import CouponCreate, CouponPatch
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def now() -> datetime:
    return datetime.now(timezone.utc)


def terms_of(coupon: Coupon) -> domain.Terms:
    return domain.Terms(
        code=coupon.code, type=coupon.type, value=coupon.value, currency=coupon.currency,
        starts_at=coupon.starts_at, ends_at=coupon.ends_at, min_order_minor=coupon.min_order_minor,
        max_discount_minor=coupon.max_discount_minor, usage_limit=coupon.usage_limit,
        per_user_limit=coupon.per_user_limit, active=coupon.active,
        scopes=tuple(domain.Scope(s.scope_type, s.ref_id) for s in coupon.scopes))


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


async def _by_code(uow: UnitOfWork, code: str, *, lock: bool = False) -> Coupon | None:
    return await uow.repository(CouponRepository).by_code(domain.normalize_code(code)[:64], lock=lock)


async def get_coupon(uow: UnitOfWork, coupon_id: str, *, lock: bool = False) -> Coupon:
    coupon = await uow.repository(CouponRepository).by_id(coupon_id, lock=lock) if is_uuid(coupon_id) else None
    if coupon is None:
        raise CouponNotFound(f"No coupon {coupon_id!r}.")
    return coupon


async def list_coupons(*, uow: UnitOfWork, page: int, per_page: int,
                       code: str | None = None) -> tuple[list[Coupon], int]:
    where = [Coupon.code.contains(domain.normalize_code(code), autoescape=True)] if code else []
    total = await uow.session.scalar(select(func.count()).select_from(Coupon).where(*where))
    rows = await uow.session.scalars(select(Coupon).where(*where).order_by(Coupon.created_at.desc(), Coupon.id)
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows), int(total or 0)


async def _usage(uow: UnitOfWork, coupon: Coupon, user_id: str) -> domain.Usage:
    user_uses = await uow.repository(CouponRepository).user_uses(coupon.id, user_id)
    return domain.Usage(used_count=coupon.used_count, user_uses=user_uses)


@dataclass(frozen=True)
class Evaluated:
    code: str
    coupon_id: str | None
    currency: str
    result: domain.Evaluation


async def evaluate(*, uow: UnitOfWork, code: str, user_id: str, lines: list[domain.Line],
                   currency: str) -> Evaluated:
    """Read-only: what the coupon would take off these lines now (the use is taken only by redeem)."""
    coupon = await _by_code(uow, code)
    if coupon is None:
        return Evaluated(domain.normalize_code(code), None, currency,
                         domain.Evaluation(valid=False, reason=domain.Reason.NOT_FOUND))
    result = domain.evaluate(terms_of(coupon), lines, user_id=user_id, currency=currency, now=now(),
                             usage=await _usage(uow, coupon, user_id))
    return Evaluated(coupon.code, coupon.id, currency, result)


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
