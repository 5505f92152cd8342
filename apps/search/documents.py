"""The products collection: its schema, and the pure rules turning projection rows into one index document.

No `locale` is set on any field: Typesense 0.24.1's default tokenizer handles Bengali exact, prefix and typo
matches, and `locale: "bn"` (not a documented locale) broke typo matching for Bengali in a probe here (see
tests/integration/test_search_api.py::test_bengali_query_with_a_typo for the check).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from apps.search.config import RelevanceWeights

EMBEDDING_DIM = 384
# Price ranges offered as a facet (major units of the product's currency); upper bounds exclusive.
PRICE_RANGES: tuple[tuple[str, int, int | None], ...] = (
    ("0-10", 0, 1_000), ("10-25", 1_000, 2_500), ("25-50", 2_500, 5_000), ("50-100", 5_000, 10_000),
    ("100-250", 10_000, 25_000), ("250-500", 25_000, 50_000), ("500+", 50_000, None),
)


def collection_schema(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "default_sorting_field": "rank_score",
        "token_separators": ["-", "/"],
        "fields": [
            {"name": "title", "type": "string"},
            {"name": "description", "type": "string", "optional": True},
            {"name": "slug", "type": "string", "index": False, "optional": True},
            {"name": "categories", "type": "string[]", "facet": True, "optional": True},
            {"name": "category_ids", "type": "string[]", "facet": True, "optional": True},
            {"name": "category_path", "type": "string", "optional": True},
            {"name": "brand", "type": "string", "facet": True, "optional": True},
            {"name": "brand_id", "type": "string", "facet": True, "optional": True},
            {"name": "vendor_name", "type": "string", "facet": True},
            {"name": "vendor_id", "type": "string", "facet": True},
            {"name": "attributes", "type": "string[]", "facet": True, "optional": True},
            {"name": "attribute_text", "type": "string", "optional": True},
            {"name": "price_minor", "type": "int64", "facet": True},
            {"name": "price_range", "type": "string", "facet": True},
            {"name": "currency", "type": "string", "index": False, "optional": True},
            {"name": "rating_avg", "type": "float", "facet": True},
            {"name": "rating", "type": "int32", "facet": True},
            {"name": "status", "type": "string", "facet": True},
            {"name": "in_stock", "type": "bool", "facet": True},
            {"name": "popularity", "type": "int64"},
            {"name": "created_at", "type": "int64"},
            {"name": "rank_score", "type": "int64"},
            {"name": "embedding", "type": "float[]", "num_dim": EMBEDDING_DIM, "optional": True},
        ],
    }


@dataclass(frozen=True)
class ProductFacts:
    """Everything one document needs, gathered from the projections."""

    product_id: str
    title: str
    slug: str
    description: str
    status: str
    vendor_id: str
    vendor_name: str
    vendor_status: str | None
    category_names: list[str]  # every category of the product with its ancestors, root first
    category_ids: list[str]
    category_path: str
    brand_id: str | None
    brand: str | None
    attributes: dict[str, Any]
    option_values: list[tuple[str, str]]
    price_minor: int | None
    currency: str
    rating_avg: float
    units_sold: int
    created_at: datetime
    in_stock: bool


def is_listed(facts: ProductFacts) -> bool:
    """Only active products of active vendors are in the public index (archived or suspended ones leave it)."""
    return facts.status == "active" and facts.vendor_status == "active" and facts.price_minor is not None


def price_range(price_minor: int) -> str:
    for label, low, high in PRICE_RANGES:
        if price_minor >= low and (high is None or price_minor < high):
            return label
    return PRICE_RANGES[-1][0]


def rank_score(*, units_sold: int, created_at: datetime, weights: RelevanceWeights,
               now: datetime | None = None) -> int:
    """popularity (log-scaled sales, 0..1) and freshness (exponential decay, 0..1) mixed by the weights, x1000."""
    now = now or datetime.now(timezone.utc)
    popularity = min(1.0, math.log1p(max(units_sold, 0)) / math.log1p(10_000))
    age_days = max((now - created_at).total_seconds() / 86_400, 0.0)
    freshness = 0.5 ** (age_days / weights.freshness_half_life_days)
    return int(round(1000 * (weights.popularity * popularity + weights.freshness * freshness)))


def attribute_pairs(facts: ProductFacts) -> list[str]:
    pairs = {f"{k}:{v}" for k, v in facts.option_values}
    for key, value in facts.attributes.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, int, float, bool)) and str(item).strip():
                pairs.add(f"{key}:{item}"[:200])
    return sorted(pairs)


def embedding_text(facts: ProductFacts) -> str:
    """What the product's vector encodes: title, category path, brand and a short description."""
    parts = [facts.title, facts.category_path, facts.brand or "", facts.description[:300]]
    return ". ".join(p for p in parts if p)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def document(facts: ProductFacts, *, weights: RelevanceWeights, embedding: list[float] | None) -> dict[str, Any]:
    attributes = attribute_pairs(facts)
    price = facts.price_minor or 0
    doc: dict[str, Any] = {
        "id": facts.product_id, "title": facts.title, "description": facts.description[:2000],
        "slug": facts.slug, "categories": facts.category_names, "category_ids": facts.category_ids,
        "category_path": facts.category_path, "vendor_name": facts.vendor_name, "vendor_id": facts.vendor_id,
        "attributes": attributes, "attribute_text": " ".join(a.split(":", 1)[1] for a in attributes),
        "price_minor": price, "price_range": price_range(price), "currency": facts.currency,
        "rating_avg": round(facts.rating_avg, 2), "rating": int(math.floor(facts.rating_avg)),
        "status": facts.status, "in_stock": facts.in_stock, "popularity": facts.units_sold,
        "created_at": int(facts.created_at.timestamp()),
        "rank_score": rank_score(units_sold=facts.units_sold, created_at=facts.created_at, weights=weights),
    }
    if facts.brand:
        doc["brand"], doc["brand_id"] = facts.brand, facts.brand_id
    if embedding is not None:
        doc["embedding"] = embedding
    return doc
