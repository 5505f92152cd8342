"""Review use cases: write (verified purchasers only), moderate, list. `@use_case` ones own their commit."""
from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from apps.reviews import domain, projections
from apps.reviews.clients import OrdersClient
from apps.reviews.exceptions import AlreadyReviewed, InvalidModeration, NotAVerifiedPurchase, ReviewNotFound
from apps.reviews.orm import ProductRating, Purchase, Review
from apps.reviews.repository import ReviewRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.errors import ServiceUnavailable
from kernel.ids import is_uuid, new_id_str
from kernel.paging import Paging, fetch_page
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("reviews")


@dataclass(frozen=True)
class NewReview:
    product_id: str
    order_no: str
    rating: int
    title: str | None
    body: str | None


@dataclass(frozen=True)
class Page:
    items: list[Review]
    total: int
    stats: domain.RatingStats


async def _purchase(uow: UnitOfWork, orders: OrdersClient | None, order_no: str) -> Purchase | None:
    """The projection; when it does not show the order as reviewable yet, the orders service's word."""
    row = await uow.repository(ReviewRepository).purchase(order_no)
    if (row is not None and row.status in domain.REVIEWABLE) or orders is None:
        return row
    try:
        fresh = await orders.get(order_no)
    except ServiceUnavailable as exc:
        log.warning("reviews.orders_unavailable", order_no=order_no, error=exc.detail)
        return row
    return await projections.apply(uow, fresh) if fresh is not None else row


@use_case
async def create_review(*, uow: UnitOfWork, orders: OrdersClient | None, user: CurrentUser,
                        cmd: NewReview) -> Review:
    purchase = await _purchase(uow, orders, cmd.order_no)
    verified = purchase is not None and domain.is_verified_purchase(
        status=purchase.status, owner_id=purchase.user_id, product_ids={i.product_id for i in purchase.items},
        user_id=user.id, product_id=cmd.product_id)
    if not verified:
        raise NotAVerifiedPurchase("Only a shopper whose paid or delivered order contains this product may review it.")
    if await uow.repository(ReviewRepository).is_reviewed(cmd.order_no, cmd.product_id):
        raise AlreadyReviewed(f"This product of order {cmd.order_no} is already reviewed.")
    review = Review(id=new_id_str(), product_id=cmd.product_id, user_id=user.id, order_no=cmd.order_no,
                    rating=cmd.rating, title=cmd.title or None, body=cmd.body or None, status="pending",
                    created_at=utcnow())
    try:
        await uow.repository(ReviewRepository).add(review)
    except IntegrityError:  # the same review submitted twice at once: the other one won
        raise AlreadyReviewed(f"This product of order {cmd.order_no} is already reviewed.") from None
    uow.emit("review.submitted", {"reviewId": review.id, "productId": review.product_id, "userId": review.user_id,
                                "orderNo": review.order_no, "rating": review.rating, "status": review.status,
                                "title": review.title, "body": review.body, "createdAt": review.created_at},
             key=review.product_id)
    return review


async def _locked_stats(uow: UnitOfWork, product_id: str) -> ProductRating:
    return await uow.repository(ReviewRepository).lock_rating(product_id)


@use_case
async def moderate(*, uow: UnitOfWork, moderator: CurrentUser, review_id: str, approve: bool,
                   reason: str | None) -> Review:
    review = await get_review(uow, review_id, lock=True)
    try:
        new_status = domain.moderate(review.status, approve)
    except domain.RuleViolation as exc:
        raise InvalidModeration(str(exc)) from None
    rating = await _locked_stats(uow, review.product_id)
    stats = domain.RatingStats(rating.rating_sum, rating.rating_count).moved(
        review.rating, was_approved=review.status == "approved", is_approved=approve)
    rating.rating_sum, rating.rating_count = stats.total, stats.count
    previous, review.status = review.status, new_status
    review.moderated_by, review.moderated_at = moderator.id[:64], utcnow()
    review.rejection_reason = None if approve else reason
    await uow.repository(ReviewRepository).flush()
    uow.emit(f"review.{new_status}", {
        "reviewId": review.id, "productId": review.product_id, "rating": review.rating, "status": new_status,
        "previousStatus": previous, "userId": review.user_id, "orderNo": review.order_no,
        "ratingAvg": stats.average, "ratingCount": stats.count, "moderatorId": moderator.id,
        "reason": review.rejection_reason, "moderatedAt": review.moderated_at}, key=review.product_id)
    return review


async def get_review(uow: UnitOfWork, review_id: str, *, lock: bool = False) -> Review:
    if not is_uuid(review_id):
        raise ReviewNotFound(f"No review {review_id[:40]!r}.")
    review = await uow.repository(ReviewRepository).review(review_id, lock=lock)
    if review is None:
        raise ReviewNotFound(f"No review {review_id!r}.")
    return review


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
