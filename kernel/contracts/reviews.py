"""Events produced by the reviews domain (topic reviews.v1; key = productId, so one product's reviews and its
rating stay in order on one partition).

Moderation events carry the product's rating over approved reviews *after* the change (ratingAvg, ratingCount),
so a consumer (catalog, search) can set its copy from the latest event instead of summing deltas.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import REVIEWS

ReviewStatus = Literal["pending", "approved", "rejected"]


class ReviewCreated(Payload):
    review_id: str = Field(alias="reviewId")
    product_id: str = Field(alias="productId")
    user_id: str = Field(alias="userId")
    order_no: str = Field(alias="orderNo")
    rating: int = Field(ge=1, le=5)
    status: ReviewStatus
    title: str | None = None
    body: str | None = None
    created_at: datetime | None = Field(None, alias="createdAt")


class ReviewModerated(Payload):
    review_id: str = Field(alias="reviewId")
    product_id: str = Field(alias="productId")
    rating: int = Field(ge=1, le=5)
    status: ReviewStatus | None = None
    previous_status: ReviewStatus | None = Field(None, alias="previousStatus")
    user_id: str | None = Field(None, alias="userId")
    order_no: str | None = Field(None, alias="orderNo")
    rating_avg: float | None = Field(None, alias="ratingAvg")
    rating_count: int | None = Field(None, alias="ratingCount")
    moderator_id: str | None = Field(None, alias="moderatorId")
    reason: str | None = None
    moderated_at: datetime | None = Field(None, alias="moderatedAt")


CONTRACTS = [
    Contract("review.created", 1, REVIEWS, ReviewCreated),
    Contract("review.approved", 1, REVIEWS, ReviewModerated),
    Contract("review.rejected", 1, REVIEWS, ReviewModerated),
]
