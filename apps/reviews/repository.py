"""The reviews database as the review use cases see it (`uow.repository(ReviewRepository)`): reviews, the
per-product rating totals and the purchases projection, so the decisions (verified purchase, one review per
product of an order, rating arithmetic under moderation) run in unit tests on an in-memory stand-in
(tests/fakes/reviews.py). The public listing (queries.list_reviews) still queries the session."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.reviews.orm import ProductRating, Purchase, Review
from kernel.uow import Repository


class ReviewRepository(Repository):
    async def purchase(self, order_no: str) -> Purchase | None:
        return await self.session.get(Purchase, order_no)

    async def lock_purchase(self, order_no: str, *, status: str) -> Purchase:
        """The order's purchase row, created with `status` if missing, locked until the unit of work ends."""
        await self.session.execute(insert(Purchase).values(order_no=order_no, status=status)
                                   .on_conflict_do_nothing())
        return await self.session.get(Purchase, order_no, with_for_update=True, populate_existing=True)

    async def is_reviewed(self, order_no: str, product_id: str) -> bool:
        return bool(await self.session.scalar(select(Review.id).where(Review.order_no == order_no,
                                                                      Review.product_id == product_id)))

    async def review(self, review_id: str, *, lock: bool = False) -> Review | None:
        return await self.session.get(Review, review_id, with_for_update=lock)

    async def rating(self, product_id: str) -> ProductRating | None:
        return await self.session.get(ProductRating, product_id)

    async def lock_rating(self, product_id: str) -> ProductRating:
        """The product's rating totals, created at zero if missing, locked: moderations of one product queue."""
        await self.session.execute(insert(ProductRating).values(product_id=product_id, rating_sum=0, rating_count=0)
                                   .on_conflict_do_nothing())
        return await self.session.get(ProductRating, product_id, with_for_update=True, populate_existing=True)
