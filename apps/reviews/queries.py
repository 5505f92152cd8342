"""Reads of the reviews service: one review, a product's rating, the paged listing with its stats."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from apps.reviews import domain
from apps.reviews.exceptions import ReviewNotFound
from apps.reviews.orm import Review
from apps.reviews.repository import ReviewRepository
from kernel.paging import Paging, fetch_page
from kernel.lookup import by_uuid
from kernel.uow import UnitOfWork


@dataclass(frozen=True)
class Page:
    items: list[Review]
    total: int
    stats: domain.RatingStats


async def get_review(uow: UnitOfWork, review_id: str, *, lock: bool = False) -> Review:
    return await by_uuid(review_id, lambda i: uow.repository(ReviewRepository).review(i, lock=lock), ReviewNotFound, "review")


async def product_stats(uow: UnitOfWork, product_id: str) -> domain.RatingStats:
    row = await uow.repository(ReviewRepository).rating(product_id)
    return domain.RatingStats(row.rating_sum, row.rating_count) if row else domain.RatingStats(0, 0)


async def list_reviews(uow: UnitOfWork, *, product_id: str | None, status: str | None, page: int, per_page: int,
                       order: str = "newest") -> Page:
    conditions = [c for c in (Review.product_id == product_id if product_id else None,
                              Review.status == status if status else None) if c is not None]
    sort = {"newest": (Review.created_at.desc(), Review.id.desc()),
            "rating_desc": (Review.rating.desc(), Review.created_at.desc()),
            "rating_asc": (Review.rating.asc(), Review.created_at.desc())}[order]
    found = await fetch_page(uow.session, select(Review).where(*conditions), Paging(page, per_page), order_by=sort)
    stats = await product_stats(uow, product_id) if product_id else domain.RatingStats(0, 0)
    return Page(items=found.items, total=found.total, stats=stats)
