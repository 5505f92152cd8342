"""The catalog HTTP contract (API.md § Catalog)."""
from __future__ import annotations

from pydantic import Field

from apps.catalog.domain import SLUG_PATTERN
from kernel.api_model import ApiModel


class CategoryCreate(ApiModel):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)
    parent_id: str | None = Field(None, max_length=64)
    sort: int = Field(0, ge=0, le=1_000_000)


class CategoryUpdate(ApiModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)
    parent_id: str | None = Field(None, max_length=64)
    sort: int | None = Field(None, ge=0, le=1_000_000)


class CategoryOut(ApiModel):
    id: str
    name: str
    slug: str
    parent_id: str | None = None
    path: str
    depth: int
    sort: int


class CategoryList(ApiModel):
    items: list[CategoryOut]
    total: int


class BrandCreate(ApiModel):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)


class BrandOut(ApiModel):
    id: str
    name: str
    slug: str


class BrandList(ApiModel):
    items: list[BrandOut]
    total: int
