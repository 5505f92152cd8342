"""Write a review: verified purchasers only (the local purchases projection, else the orders service); owns its commit."""
from __future__ import annotations

from dataclasses import dataclass
import structlog

from sqlalchemy.exc import IntegrityError

from apps.reviews import domain, projections
from apps.reviews.clients import OrdersClient
from apps.reviews.exceptions import AlreadyReviewed, NotAVerifiedPurchase
from apps.reviews.orm import Purchase, Review
from apps.reviews.repository import ReviewRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.errors import ServiceUnavailable
from kernel.ids import new_id_str
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
