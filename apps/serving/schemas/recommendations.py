"""Bodies of GET /v1/ai/recommendations (API.md § Search & AI; extended only by adding)."""
from __future__ import annotations

from kernel.api_model import CamelModel


class Item(CamelModel):
    product_id: str
    score: float
    reason: str  # what put it there: a model strategy or the chain link's name


class RecommendationsOut(CamelModel):
    items: list[Item]
    model_version: str | None
    strategy: str
    # additions to API.md's shape (extend only by adding)
    request_id: str  # a recommendation.clicked event points back here
    variant: str | None = None  # the A/B arm (flag reco_ab_test), null when not in the test
    user_id: str | None
    context: str
    cache_hit: bool
    frequently_bought_together: list[Item] | None = None
