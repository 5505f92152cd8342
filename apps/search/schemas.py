"""The search HTTP contract (API.md § Search & AI): response fields as the API names them; extra ones only added."""
from __future__ import annotations

from pydantic import Field

from kernel.api_model import CamelModel


class SearchHit(CamelModel):
    productId: str  # noqa: N815 - the API's field names
    slug: str
    title: str
    priceMinor: int  # noqa: N815
    ratingAvg: float  # noqa: N815
    vendorName: str  # noqa: N815


class FacetValue(CamelModel):
    value: str
    count: int


class SearchOut(CamelModel):
    # API.md names took_ms/engine_ms in snake_case: their aliases keep the contract's names
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    found: int
    took_ms: float = Field(alias="took_ms")
    # added beyond API.md
    mode: str
    page: int
    perPage: int  # noqa: N815
    engine_ms: float = Field(alias="engine_ms")
    embedding: str | None = Field(None, description="where the query vector came from: lru, redis or model")


class Suggestion(CamelModel):
    productId: str  # noqa: N815
    slug: str
    title: str


class SuggestOut(CamelModel):
    q: str
    suggestions: list[Suggestion]
    categories: list[str]
    took_ms: float = Field(alias="took_ms")


class SynonymIn(CamelModel):
    synonyms: list[str] = Field(min_length=1, max_length=50)
    root: str | None = Field(None, max_length=100)


class SynonymOut(CamelModel):
    id: str
    synonyms: list[str]
    root: str | None = None


class SynonymList(CamelModel):
    items: list[SynonymOut]
