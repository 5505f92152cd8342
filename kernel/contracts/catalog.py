"""Events produced by the catalog domain (topic products.v1, key = category or product id)."""
from __future__ import annotations

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import PRODUCTS


class CategoryChanged(Payload):
    category_id: str = Field(alias="categoryId")
    name: str
    slug: str
    parent_id: str | None = Field(None, alias="parentId")
    path: str
    sort: int = 0


CONTRACTS = [
    Contract("category.created", 1, PRODUCTS, CategoryChanged),
    Contract("category.updated", 1, PRODUCTS, CategoryChanged),
]
