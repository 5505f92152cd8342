"""An in-memory stand-in for the coupons database (CouponRepository): coupons by id and redemptions. Rows an
uncommitted unit of work added are dropped; loaded rows change in place, as in a session."""
from __future__ import annotations

from typing import Any

from apps.coupons.orm import Coupon, Redemption
from apps.coupons.repository import CouponRepository
from kernel.testing import FakeUnitOfWork, with_defaults


class FakeCouponRepository:
    def __init__(self) -> None:
        self.coupons: dict[str, Coupon] = {}
        self.redemptions: list[Redemption] = []
        self.locked: list[str] = []  # coupon codes/ids in the order their rows were locked
        self._staged: list[Any] = []

    async def by_code(self, code: str, *, lock: bool = False) -> Coupon | None:
        found = next((c for c in self._all(Coupon) if c.code == code), None)
        if found is not None and lock:
            self.locked.append(found.code)
        return found

    async def by_id(self, coupon_id: str, *, lock: bool = False) -> Coupon | None:
        found = next((c for c in self._all(Coupon) if c.id == coupon_id), None)
        if found is not None and lock:
            self.locked.append(found.code)
        return found

    async def add(self, row: Any) -> None:
        self._staged.append(with_defaults(row))

    async def flush(self) -> None:
        return None

    async def user_uses(self, coupon_id: str, user_id: str) -> int:
        return sum(1 for r in self._all(Redemption)
                   if r.coupon_id == coupon_id and r.user_id == user_id and r.status == "redeemed")

    async def redemption(self, coupon_id: str, order_no: str, *, redeemed_only: bool = False,
                         lock: bool = False) -> Redemption | None:
        return next((r for r in self._all(Redemption) if r.coupon_id == coupon_id and r.order_no == order_no
                     and (not redeemed_only or r.status == "redeemed")), None)

    async def coupons_redeemed_by(self, order_no: str) -> list[str]:
        return sorted({r.coupon_id for r in self._all(Redemption) if r.order_no == order_no
                       and r.status == "redeemed"})

    def commit(self) -> None:
        for row in self._staged:
            if isinstance(row, Coupon):
                self.coupons[row.id] = row
            else:
                self.redemptions.append(row)
        self._staged = []

    def rollback(self) -> None:
        self._staged = []

    def _all(self, kind: type) -> list[Any]:
        stored = list(self.coupons.values()) if kind is Coupon else list(self.redemptions)
        return [*stored, *(r for r in self._staged if isinstance(r, kind))]


def coupon_world() -> tuple[FakeUnitOfWork, FakeCouponRepository]:
    repo = FakeCouponRepository()
    return FakeUnitOfWork({CouponRepository: repo}), repo
