"""An in-memory stand-in for the reviews database (ReviewRepository): reviews, rating totals and the purchases
projection. Reviews an uncommitted unit of work added are dropped; loaded rows change in place."""
from __future__ import annotations

from typing import Any

from apps.reviews.orm import ProductRating, Purchase, PurchaseItem, Review
from apps.reviews.repository import ReviewRepository
from kernel.testing import FakeServiceClients, FakeUnitOfWork, with_defaults


class FakeReviewRepository:
    def __init__(self) -> None:
        self.purchases: dict[str, Purchase] = {}
        self.reviews: dict[str, Review] = {}
        self.ratings: dict[str, ProductRating] = {}
        self._staged: list[Review] = []

    async def purchase(self, order_no: str) -> Purchase | None:
        return self.purchases.get(order_no)

    async def lock_purchase(self, order_no: str, *, status: str) -> Purchase:
        if order_no not in self.purchases:
            self.purchases[order_no] = Purchase(order_no=order_no, status=status, items=[])
        return self.purchases[order_no]

    async def is_reviewed(self, order_no: str, product_id: str) -> bool:
        return any(r.order_no == order_no and r.product_id == product_id for r in self._all())

    async def add(self, row: Any) -> None:
        self._staged.append(with_defaults(row))

    async def flush(self) -> None:
        return None

    async def review(self, review_id: str, *, lock: bool = False) -> Review | None:
        return next((r for r in self._all() if r.id == review_id), None)

    async def rating(self, product_id: str) -> ProductRating | None:
        return self.ratings.get(product_id)

    async def lock_rating(self, product_id: str) -> ProductRating:
        return self.ratings.setdefault(product_id, ProductRating(product_id=product_id, rating_sum=0, rating_count=0))

    def commit(self) -> None:
        self.reviews.update({r.id: r for r in self._staged})
        self._staged = []

    def rollback(self) -> None:
        self._staged = []

    def bought(self, order_no: str, *, user_id: str, status: str, product_ids: list[str]) -> Purchase:
        """A purchase the order events already told the projection about."""
        row = Purchase(order_no=order_no, user_id=user_id, status=status,
                       items=[PurchaseItem(order_no=order_no, product_id=p) for p in product_ids])
        self.purchases[order_no] = row
        return row

    def _all(self) -> list[Review]:
        return [*self.reviews.values(), *self._staged]


def reviews_world() -> tuple[FakeUnitOfWork, FakeReviewRepository, FakeServiceClients]:
    repo = FakeReviewRepository()
    return FakeUnitOfWork({ReviewRepository: repo}), repo, FakeServiceClients()
