"""Moderate a review: approve or reject, keep the product's rating, emit review.<status>; owns its commit."""
from __future__ import annotations

from apps.reviews import domain
from apps.reviews.exceptions import InvalidModeration
from apps.reviews.orm import ProductRating, Review
from apps.reviews.queries import get_review
from apps.reviews.repository import ReviewRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


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
