"""Events produced by the reviews domain (topic reviews.v1; key = productId, so one product's reviews and its
rating stay in order on one partition).

Moderation events carry the product's rating over approved reviews *after* the change (ratingAvg, ratingCount),
so a consumer (catalog, search) can set its copy from the latest event instead of summing deltas.

Renamed to the product plan's spelling (issue 13): review.created → review.submitted. Producers emit the new name;
the old one is a deprecated name of the same contract, which every consumer still accepts (kernel.consumer resolves
it; the warehouse views, stream agents and feature SQL list both). Services' consumers may drop the old name once
every producer runs the renaming release and the outbox retention after it (OUTBOX_RETENTION_DAYS, 7 days: `mkt
outbox replay` can republish older rows) has passed, i.e. not before 2027-01-04. SQL over stored history (warehouse
views, training sets) keeps both names for as long as events stored under the old name are kept.
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
    Contract("review.submitted", 1, REVIEWS, ReviewCreated, ("review.created",)),
    Contract("review.approved", 1, REVIEWS, ReviewModerated),
    Contract("review.rejected", 1, REVIEWS, ReviewModerated),
]
