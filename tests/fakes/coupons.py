"""An in-memory stand-in for the coupons database (CouponRepository): coupons by id and redemptions. Rows an
uncommitted unit of work added are dropped; loaded rows change in place, as in a session."""
from __future__ import annotations

from typing import Any

from apps.coupons.orm import Coupon, Redemption
from apps.coupons.repository import CouponRepository
from kernel.testing import FakeRepository, FakeUnitOfWork


class FakeCouponRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.coupons: dict[str, Coupon] = {}
        self.redemptions: list[Redemption] = []
        self.locked: list[str] = []  # coupon codes/ids in the order their rows were locked

    async def by_code(self, code: str, *, lock: bool = False) -> Coupon | None:
        found = next((c for c in self.rows(Coupon) if c.code == code), None)
        if found is not None and lock:
            self.locked.append(found.code)
        return found

    async def by_id(self, coupon_id: str, *, lock: bool = False) -> Coupon | None:
        found = next((c for c in self.rows(Coupon) if c.id == coupon_id), None)
        if found is not None and lock:
            self.locked.append(found.code)
        return found

    async def user_uses(self, coupon_id: str, user_id: str) -> int:
        return sum(1 for r in self.rows(Redemption)
                   if r.coupon_id == coupon_id and r.user_id == user_id and r.status == "redeemed")

    async def redemption(self, coupon_id: str, order_no: str, *, redeemed_only: bool = False,
                         lock: bool = False) -> Redemption | None:
        return next((r for r in self.rows(Redemption) if r.coupon_id == coupon_id and r.order_no == order_no
                     and (not redeemed_only or r.status == "redeemed")), None)

    async def coupons_redeemed_by(self, order_no: str) -> list[str]:
        return sorted({r.coupon_id for r in self.rows(Redemption) if r.order_no == order_no
                       and r.status == "redeemed"})

    def keep(self, row: Any) -> None:
        if isinstance(row, Coupon):
            self.coupons[row.id] = row
        else:
            self.redemptions.append(row)

    def _kept_rows(self) -> list[Any]:
        return [*self.coupons.values(), *self.redemptions]


def coupon_world() -> tuple[FakeUnitOfWork, FakeCouponRepository]:
    repo = FakeCouponRepository()
    return FakeUnitOfWork({CouponRepository: repo}), repo
