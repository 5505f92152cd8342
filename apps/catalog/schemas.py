"""The catalog HTTP contract (API.md § Catalog)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from apps.catalog.domain import SLUG_PATTERN


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class CategoryCreate(_Model):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)
    parent_id: str | None = Field(None, alias="parentId", max_length=64)
    sort: int = Field(0, ge=0, le=1_000_000)


class CategoryUpdate(_Model):
    name: str | None = Field(None, min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)
    parent_id: str | None = Field(None, alias="parentId", max_length=64)
    sort: int | None = Field(None, ge=0, le=1_000_000)


class CategoryOut(_Model):
    id: str
    name: str
    slug: str
    parent_id: str | None = Field(None, alias="parentId")
    path: str
    depth: int
    sort: int


class CategoryList(_Model):
    items: list[CategoryOut]
    total: int


class BrandCreate(_Model):
    name: str = Field(min_length=1, max_length=120)
    slug: str | None = Field(None, min_length=1, max_length=120, pattern=SLUG_PATTERN)


class BrandOut(_Model):
    id: str
    name: str
    slug: str


class BrandList(_Model):
    items: list[BrandOut]
    total: int
