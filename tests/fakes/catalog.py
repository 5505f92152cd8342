"""An in-memory stand-in for the catalog database as the product use cases see it (ProductRepository): products,
categories, brands and the vendors projection. Products an uncommitted unit of work added are dropped; loaded
rows change in place."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Category, Product
from apps.catalog.repository import ProductRepository
from kernel.ids import new_id_str
from kernel.testing import FakeRepository, FakeUnitOfWork

VENDOR = "0190a000-0000-7000-8000-0000000000aa"
OTHER_VENDOR = "0190a000-0000-7000-8000-0000000000bb"


def catalog_settings(**overrides: Any) -> CatalogSettings:
    return CatalogSettings(**{"max_variants_per_product": 100, "max_images_per_product": 10, **overrides})


class FakeProductRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.products: dict[str, Product] = {}
        self.categories_by_id: dict[str, Category] = {}
        self.brands: set[str] = set()
        self.vendor_statuses: dict[str, str] = {}
        self.vendor_seen_at: dict[str, datetime] = {}

    async def product(self, product_id: str, *, vendor_id: str | None = None, lock: bool = False) -> Product | None:
        found = next((p for p in self.rows(Product) if p.id == product_id), None)
        return found if found is not None and vendor_id in (None, found.vendor_id) else None

    async def vendor_status(self, vendor_id: str) -> str | None:
        return self.vendor_statuses.get(vendor_id)

    async def upsert_vendor(self, *, vendor_id: str, name: str, slug: str, status: str,
                            occurred_at: datetime) -> tuple[bool, str | None]:
        previous, seen = self.vendor_statuses.get(vendor_id), self.vendor_seen_at.get(vendor_id)
        if seen is not None and seen > occurred_at:
            return False, previous
        self.vendor_statuses[vendor_id], self.vendor_seen_at[vendor_id] = status, occurred_at
        return True, previous

    async def categories(self, ids: list[str]) -> list[Category]:
        return [self.categories_by_id[i] for i in ids if i in self.categories_by_id]

    async def brand_exists(self, brand_id: str) -> bool:
        return brand_id in self.brands

    async def taken_skus(self, skus: list[str]) -> list[str]:
        return [v.sku for p in self.rows(Product) for v in p.variants if v.sku in skus]

    async def claim_slug(self, slug: str) -> bool:
        return all(p.slug != slug for p in self.rows(Product))

    async def flush(self) -> None:
        """What a flush does to child rows: they get their product's id."""
        for product in self.rows(Product):
            for child in [*product.variants, *product.images]:
                child.product_id = product.id

    def keep(self, row: Any) -> None:
        self.products[row.id] = row

    def _kept_rows(self) -> list[Any]:
        return list(self.products.values())

    def category(self, name: str) -> str:
        cat_id = new_id_str()
        self.categories_by_id[cat_id] = Category(id=cat_id, name=name, slug=name.lower(), path=name.lower(), depth=0)
        return cat_id


def catalog_world() -> tuple[FakeUnitOfWork, FakeProductRepository]:
    repo = FakeProductRepository()
    repo.vendor_statuses[VENDOR] = "active"
    return FakeUnitOfWork({ProductRepository: repo}), repo
