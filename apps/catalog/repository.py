"""The catalog database as the product use cases see it (`uow.repository(ProductRepository)`): products, their
SKUs, categories, brands and the vendors projection, so the listing rules (active vendor, known references,
marketplace-unique SKUs and slugs, status moves) run in unit tests on an in-memory stand-in
(tests/fakes/catalog.py). Public listings and search queries (queries.py) still use the session."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import selectinload

from apps.catalog.orm import Brand, Category, Product, ProductVariant, VendorProjection
from kernel.uow import Repository

FULL = (selectinload(Product.variants), selectinload(Product.categories), selectinload(Product.images))


class ProductRepository(Repository):
    async def product(self, product_id: str, *, vendor_id: str | None = None, lock: bool = False) -> Product | None:
        """The product with its variants, categories and images (`vendor_id`: only if it is that vendor's)."""
        stmt = select(Product).where(Product.id == product_id).options(*FULL)
        if vendor_id is not None:
            stmt = stmt.where(Product.vendor_id == vendor_id)
        return await self.session.scalar(stmt.with_for_update(of=Product) if lock else stmt)

    async def vendor_status(self, vendor_id: str) -> str | None:
        return await self.session.scalar(select(VendorProjection.status)
                                         .where(VendorProjection.vendor_id == vendor_id))

    async def upsert_vendor(self, *, vendor_id: str, name: str, slug: str, status: str,
                            occurred_at: datetime) -> tuple[bool, str | None]:
        """Set the vendors projection's row unless a newer source already set it: (applied, previous status).

        Two writers may race for a vendor's first row (the vendor.* consumer and a request that confirmed the vendor
        with the vendors service, possibly in another process): the insert gives way on conflict and the loser
        updates the winner's row under its lock, so neither fails."""
        values = {"name": name[:200], "slug": slug[:200], "status": status, "source_occurred_at": occurred_at,
                  "updated_at": occurred_at}
        row = await self.session.get(VendorProjection, vendor_id, with_for_update=True)
        if row is None:
            inserted = await self.session.execute(
                pg_insert(VendorProjection).values(vendor_id=vendor_id, **values).on_conflict_do_nothing()
                .returning(VendorProjection.vendor_id))
            if inserted.first() is not None:
                return True, None
            row = await self.session.get(VendorProjection, vendor_id, with_for_update=True, populate_existing=True)
        if row.source_occurred_at > occurred_at:
            return False, row.status
        previous = row.status
        for field, value in values.items():
            setattr(row, field, value)
        await self.session.flush()
        return True, previous

    async def categories(self, ids: list[str]) -> list[Category]:
        return list((await self.session.scalars(select(Category).where(Category.id.in_(ids)))).all())

    async def brand_exists(self, brand_id: str) -> bool:
        return await self.session.get(Brand, brand_id) is not None

    async def taken_skus(self, skus: list[str]) -> list[str]:
        return list((await self.session.scalars(select(ProductVariant.sku).where(ProductVariant.sku.in_(skus)))).all())

    async def claim_slug(self, slug: str) -> bool:
        """True if `slug` is free. Two vendors listing "T-shirt" at once: the second waits here for the first to
        commit (an advisory lock that ends with the transaction), then sees it taken."""
        await self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"product-slug:{slug}"))))
        return not await self.session.scalar(select(exists().where(Product.slug == slug)))
