"""The search HTTP contract (API.md § Search & AI): response fields as the API names them; extra ones only added."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class SearchHit(_Model):
    productId: str  # noqa: N815 - the API's field names
    slug: str
    title: str
    priceMinor: int  # noqa: N815
    ratingAvg: float  # noqa: N815
    vendorName: str  # noqa: N815


class FacetValue(_Model):
    value: str
    count: int


class SearchOut(_Model):
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    found: int
    took_ms: float
    # added beyond API.md
    mode: str
    page: int
    perPage: int  # noqa: N815
    engine_ms: float
    embedding: str | None = Field(None, description="where the query vector came from: lru, redis or model")


class Suggestion(_Model):
    productId: str  # noqa: N815
    slug: str
    title: str


class SuggestOut(_Model):
    q: str
    suggestions: list[Suggestion]
    categories: list[str]
    took_ms: float


class SynonymIn(_Model):
    synonyms: list[str] = Field(min_length=1, max_length=50)
    root: str | None = Field(None, max_length=100)


class SynonymOut(_Model):
    id: str
    synonyms: list[str]
    root: str | None = None


class SynonymList(_Model):
    items: list[SynonymOut]
