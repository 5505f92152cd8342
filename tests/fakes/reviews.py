"""An in-memory stand-in for the reviews database (ReviewRepository): reviews, rating totals and the purchases
projection. Reviews an uncommitted unit of work added are dropped; loaded rows change in place."""
from __future__ import annotations

from typing import Any

from apps.reviews.orm import ProductRating, Purchase, PurchaseItem, Review
from apps.reviews.repository import ReviewRepository
from kernel.testing import FakeRepository, FakeServiceClients, FakeUnitOfWork


class FakeReviewRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.purchases: dict[str, Purchase] = {}
        self.reviews: dict[str, Review] = {}
        self.ratings: dict[str, ProductRating] = {}

    async def purchase(self, order_no: str) -> Purchase | None:
        return self.purchases.get(order_no)

    async def lock_purchase(self, order_no: str, *, status: str) -> Purchase:
        if order_no not in self.purchases:
            self.purchases[order_no] = Purchase(order_no=order_no, status=status, items=[])
        return self.purchases[order_no]

    async def is_reviewed(self, order_no: str, product_id: str) -> bool:
        return any(r.order_no == order_no and r.product_id == product_id for r in self.rows(Review))

    async def review(self, review_id: str, *, lock: bool = False) -> Review | None:
        return next((r for r in self.rows(Review) if r.id == review_id), None)

    async def rating(self, product_id: str) -> ProductRating | None:
        return self.ratings.get(product_id)

    async def lock_rating(self, product_id: str) -> ProductRating:
        return self.ratings.setdefault(product_id, ProductRating(product_id=product_id, rating_sum=0, rating_count=0))

    def keep(self, row: Any) -> None:
        self.reviews[row.id] = row

    def _kept_rows(self) -> list[Any]:
        return list(self.reviews.values())

    def bought(self, order_no: str, *, user_id: str, status: str, product_ids: list[str]) -> Purchase:
        """A purchase the order events already told the projection about."""
        row = Purchase(order_no=order_no, user_id=user_id, status=status,
                       items=[PurchaseItem(order_no=order_no, product_id=p) for p in product_ids])
        self.purchases[order_no] = row
        return row


def reviews_world() -> tuple[FakeUnitOfWork, FakeReviewRepository, FakeServiceClients]:
    repo = FakeReviewRepository()
    return FakeUnitOfWork({ReviewRepository: repo}), repo, FakeServiceClients()
