"""Events produced by the AI serving service (topic ai.v1; key = the request's user id or the order number, so one
shopper's recommendation events and one order's fraud events stay in order)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import AI

RecoContext = Literal["home", "product", "cart", "category"]


class RecommendationRequested(Payload):
    request_id: str = Field(alias="requestId")
    user_id: str | None = Field(None, alias="userId")  # None: an anonymous visitor
    context: RecoContext
    product_ids: list[str] = Field(default_factory=list, alias="productIds")
    category_id: str | None = Field(None, alias="categoryId")
    limit: int = Field(ge=1)
    variant: str | None = None  # the A/B arm (flag reco_ab_test) the shopper is assigned to
    requested_at: datetime = Field(alias="requestedAt")


class RecommendedItem(Payload):
    product_id: str = Field(alias="productId")
    score: float
    rank: int = Field(ge=1)


class RecommendationServed(Payload):
    """What was shown: a later `recommendation.clicked` points back here by requestId, and the variant attributes
    clicks and purchases to the arm of the A/B test."""

    request_id: str = Field(alias="requestId")
    user_id: str | None = Field(None, alias="userId")
    context: RecoContext
    strategy: str  # model | co_purchase | trending_in_category | popular
    model_version: str | None = Field(None, alias="modelVersion")
    variant: str | None = None
    items: list[RecommendedItem]
    latency_ms: float = Field(alias="latencyMs", ge=0)
    cache_hit: bool = Field(alias="cacheHit")
    served_at: datetime = Field(alias="servedAt")


CONTRACTS: list[Contract] = [
    Contract("ai.recommendation.requested", 1, AI, RecommendationRequested),
    Contract("ai.recommendation.served", 1, AI, RecommendationServed),
]
