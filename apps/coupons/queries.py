"""Reads of the coupons service: one coupon, the staff listing, and evaluate (what a code would take off a basket; takes no use)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from apps.coupons import domain
from apps.coupons.exceptions import CouponNotFound
from apps.coupons.orm import Coupon
from apps.coupons.repository import CouponRepository
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


def now() -> datetime:
    return datetime.now(timezone.utc)


def terms_of(coupon: Coupon) -> domain.Terms:
    return domain.Terms(
        code=coupon.code, type=coupon.type, value=coupon.value, currency=coupon.currency,
        starts_at=coupon.starts_at, ends_at=coupon.ends_at, min_order_minor=coupon.min_order_minor,
        max_discount_minor=coupon.max_discount_minor, usage_limit=coupon.usage_limit,
        per_user_limit=coupon.per_user_limit, active=coupon.active,
        scopes=tuple(domain.Scope(s.scope_type, s.ref_id) for s in coupon.scopes))


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
