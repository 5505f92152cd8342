"""The coupons database as the coupon use cases see it (`uow.repository(CouponRepository)`), so their decisions
(limits, idempotent redeem, release) run in unit tests on an in-memory stand-in (tests/fakes/coupons.py). The
admin listing (service.list_coupons) still queries the session: it holds no decision worth a fake."""
from __future__ import annotations

from sqlalchemy import func, select

from apps.coupons.orm import Coupon, Redemption
from kernel.uow import Repository


class CouponRepository(Repository):
    async def by_code(self, code: str, *, lock: bool = False) -> Coupon | None:
        """`code` already normalized. `lock`: every redeem and release of this coupon queues on its row."""
        query = select(Coupon).where(Coupon.code == code)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def by_id(self, coupon_id: str, *, lock: bool = False) -> Coupon | None:
        return await self.session.get(Coupon, coupon_id, with_for_update=lock or None)

    async def user_uses(self, coupon_id: str, user_id: str) -> int:
        return int(await self.session.scalar(
            select(func.count()).select_from(Redemption)
            .where(Redemption.coupon_id == coupon_id, Redemption.user_id == user_id,
                   Redemption.status == "redeemed")) or 0)

    async def redemption(self, coupon_id: str, order_no: str, *, redeemed_only: bool = False,
                         lock: bool = False) -> Redemption | None:
        query = select(Redemption).where(Redemption.coupon_id == coupon_id, Redemption.order_no == order_no)
        if redeemed_only:
            query = query.where(Redemption.status == "redeemed")
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def coupons_redeemed_by(self, order_no: str) -> list[str]:
        """Ids of the coupons `order_no` holds a use of, sorted (the order releases lock them in)."""
        return list((await self.session.scalars(
            select(Redemption.coupon_id).where(Redemption.order_no == order_no, Redemption.status == "redeemed")
            .order_by(Redemption.coupon_id))).all())
