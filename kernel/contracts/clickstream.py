"""Storefront events the services cannot see (topic clickstream.v1, key = sessionId, so a session stays in order).

They arrive through `POST /v1/events/track` (signed-in or anonymous session) or from the simulator's backfill.
`userId` is null for anonymous sessions; `deviceId` is the storefront's device fingerprint (fraud features count
accounts and cards per device).
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import CLICKSTREAM

ViewSource = Literal["search", "category", "recommendation", "home", "direct", "cart"]


class _SessionEvent(Payload):
    session_id: str = Field(alias="sessionId", min_length=1, max_length=64)
    user_id: str | None = Field(None, alias="userId", max_length=64)
    device_id: str | None = Field(None, alias="deviceId", max_length=64)
    at: datetime


class ProductViewed(_SessionEvent):
    product_id: str = Field(alias="productId", max_length=64)
    sku: str | None = Field(None, max_length=64)
    vendor_id: str | None = Field(None, alias="vendorId", max_length=64)
    category_ids: list[str] = Field(default_factory=list, alias="categoryIds", max_length=20)
    price_minor: int | None = Field(None, alias="priceMinor", ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    source: ViewSource | None = None
    position: int | None = Field(None, ge=0)
    query: str | None = Field(None, max_length=200)


class SearchPerformed(_SessionEvent):
    query: str = Field(max_length=200)
    results_count: int | None = Field(None, alias="resultsCount", ge=0)
    category_id: str | None = Field(None, alias="categoryId", max_length=64)
    page: int | None = Field(None, ge=1)


class RecommendationClicked(_SessionEvent):
    """A click on a recommended product. `requestId` is the served response's (ai.recommendation.served), so the
    click is attributed to the A/B arm the server recorded; `variant` is what the storefront was told, used only
    when the request is unknown (warehouse/metrics/analytics.py metric reco_ab_test)."""

    product_id: str = Field(alias="productId", max_length=64)
    position: int | None = Field(None, ge=0)
    context: Literal["home", "product", "cart", "category"] | None = None
    strategy: str | None = Field(None, max_length=64)
    model_version: str | None = Field(None, alias="modelVersion", max_length=64)
    request_id: str | None = Field(None, alias="requestId", max_length=64)
    variant: str | None = Field(None, max_length=32)


class CartViewed(_SessionEvent):
    item_count: int | None = Field(None, alias="itemCount", ge=0)
    subtotal_minor: int | None = Field(None, alias="subtotalMinor", ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")


CONTRACTS = [
    Contract("product.viewed", 1, CLICKSTREAM, ProductViewed),
    Contract("search.performed", 1, CLICKSTREAM, SearchPerformed),
    Contract("recommendation.clicked", 1, CLICKSTREAM, RecommendationClicked),
    Contract("cart.viewed", 1, CLICKSTREAM, CartViewed),
]
