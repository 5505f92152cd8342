"""Applying other domains' events to the search projections. Never commits (the consumer's unit of work does).

Ordering: a product's catalog events share one partition (key = productId), but a redelivery, a replay from the
outbox or an event from another topic can still arrive late, so each row remembers the time of the event that set
it and an older event is dropped. Whatever changes a product's document bumps its `index_version`; the sync loop
(apps/search/use_cases/sync_index.py) pushes it to Typesense after the commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Text, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from apps.search.orm import SearchBrand, SearchCategory, SearchProduct, SearchSku, SearchVendor
from kernel.contracts.catalog import (BrandCreated, CategoryChanged, ProductChanged, ProductPriceUpdated,
                                      VariantSnapshot)
from kernel.contracts.reviews import ReviewModerated


def _after(new: datetime, old: datetime | None) -> bool:
    return old is None or new >= old


async def touch(session: AsyncSession, product_ids: Iterable[str]) -> None:
    ids = sorted(set(product_ids))
    if ids:
        await session.execute(update(SearchProduct).where(SearchProduct.product_id.in_(ids))
                              .values(index_version=SearchProduct.index_version + 1))


async def _sku_row(session: AsyncSession, sku: str, product_id: str | None) -> SearchSku:
    """The SKU's row, locked; created if missing without racing a concurrent event about the same SKU (a product
    event and an inventory event arrive on different topics, possibly in two processes at once)."""
    await session.execute(insert(SearchSku).values(sku=sku, product_id=product_id, option_values={}, active=True)
                          .on_conflict_do_nothing(index_elements=["sku"]))
    row = await session.get(SearchSku, sku, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


async def apply_product(session: AsyncSession, data: ProductChanged, *, at: datetime) -> bool:
    """A product.* snapshot event; False when the row already reflects a newer one."""
    product_id = data.product_id
    row = await session.get(SearchProduct, product_id, with_for_update=True)
    source_at = data.updated_at or at
    if row is not None and not _after(source_at, row.source_at):
        return False
    if row is None:
        row = SearchProduct(product_id=product_id, rating_avg=0.0, rating_count=0, units_sold=0,
                            index_version=0)
        session.add(row)
    row.vendor_id, row.title, row.slug = data.vendor_id, data.title, data.slug
    row.status, row.brand_id = data.status, data.brand_id
    row.category_ids = list(data.category_ids)
    if data.description is not None:
        row.description = data.description
    elif row.description is None:
        row.description = ""
    if data.attributes is not None:
        row.attributes = data.attributes
    elif row.attributes is None:
        row.attributes = {}
    variants = data.variants
    row.currency = variants[0].currency if variants else (row.currency or "USD")
    row.created_at = data.created_at
    row.source_at = source_at
    row.index_version = (row.index_version or 0) + 1
    await session.flush()
    await _apply_variants(session, product_id, variants, at=source_at)
    return True


async def _apply_variants(session: AsyncSession, product_id: str, variants: list[VariantSnapshot], *,
                          at: datetime) -> None:
    wanted = {v.sku: v for v in variants}
    existing = {s.sku: s for s in (await session.scalars(
        select(SearchSku).where(SearchSku.product_id == product_id).with_for_update())).all()}
    for sku, row in existing.items():
        row.active = sku in wanted
    for sku in sorted(wanted):
        row = existing.get(sku) or await _sku_row(session, sku, product_id)
        row.product_id, row.active = product_id, True
        row.option_values = dict(wanted[sku].option_values)
        if _after(at, row.price_at):
            row.price_minor, row.price_at = wanted[sku].price_minor, at
    await session.flush()


async def apply_price(session: AsyncSession, data: ProductPriceUpdated, *, at: datetime) -> bool:
    changed_at = data.changed_at or at
    row = await _sku_row(session, data.sku, data.product_id)
    if not _after(changed_at, row.price_at):
        return False
    row.price_minor, row.price_at = data.new_price_minor, changed_at
    await session.flush()
    await touch(session, [data.product_id])
    return True


async def apply_stock(session: AsyncSession, *, sku: str, product_id: str | None, available: int | None,
                      delta: int, at: datetime) -> str | None:
    """inventory.adjusted/low_stock carry the SKU's available stock (absolute, set if newer); reservations carry
    only quantities (a delta, applied when newer than the last absolute figure). Returns the product to re-index.

    One upsert creates, checks and changes the row (it was an insert, a locked read and an update: stock events
    come with every checkout), then the product is touched."""
    t = SearchSku.__table__.c
    absolute = available is not None
    stmt = insert(SearchSku).values(sku=sku, product_id=product_id, option_values={}, active=True,
                                    available=available if absolute else max(delta, 0),
                                    stock_at=at if absolute else None)
    changes = {"product_id": func.coalesce(t.product_id, stmt.excluded.product_id),
               "available": stmt.excluded.available if absolute else func.greatest(func.coalesce(t.available, 0)
                                                                                   + delta, 0)}
    if absolute:
        changes["stock_at"] = stmt.excluded.stock_at
    stmt = stmt.on_conflict_do_update(index_elements=["sku"], set_=changes,
                                      where=t.stock_at.is_(None) | (t.stock_at <= at)
                                      ).returning(t.product_id, t.available, t.stock_at)
    changed = (await session.execute(stmt)).first()  # the session's pending changes are flushed before it
    held = session.identity_map.get(session.identity_key(SearchSku, sku))
    if held is not None and changed:  # a row this session loaded earlier shows the change (as loaded, not dirty)
        for name in ("product_id", "available", "stock_at"):
            set_committed_value(held, name, getattr(changed, name))
    touched = changed.product_id if changed else None
    if touched:
        await touch(session, [touched])
    return touched


async def apply_rating(session: AsyncSession, data: ReviewModerated, *, at: datetime) -> bool:
    if data.rating_avg is None:
        return False
    row = await session.get(SearchProduct, data.product_id, with_for_update=True)
    if row is None or not _after(at, row.rating_at):
        return False
    row.rating_avg, row.rating_count, row.rating_at = data.rating_avg, data.rating_count or 0, at
    row.index_version += 1
    return True


async def add_sales(session: AsyncSession, product_ids: list[str]) -> None:
    """order.paid: each paid order counts once per product it holds (popularity); the inbox makes it once."""
    ids = sorted(set(product_ids))
    if ids:
        await session.execute(update(SearchProduct).where(SearchProduct.product_id.in_(ids)).values(
            units_sold=SearchProduct.units_sold + 1, index_version=SearchProduct.index_version + 1))


async def apply_vendor(session: AsyncSession, *, vendor_id: str, name: str, status: str, at: datetime) -> bool:
    row = await session.get(SearchVendor, vendor_id, with_for_update=True)
    if row is not None and not _after(at, row.source_at):
        return False
    changed = row is None or row.status != status or row.name != name
    if row is None:
        row = SearchVendor(vendor_id=vendor_id)
        session.add(row)
    row.name, row.status, row.source_at = name[:200], status, at
    await session.flush()
    if changed:
        ids = (await session.scalars(select(SearchProduct.product_id)
                                     .where(SearchProduct.vendor_id == vendor_id))).all()
        await touch(session, ids)
    return changed


async def apply_category(session: AsyncSession, data: CategoryChanged, *, at: datetime) -> None:
    row = await session.get(SearchCategory, data.category_id, with_for_update=True)
    if row is not None and not _after(at, row.source_at):
        return
    if row is None:
        row = SearchCategory(category_id=data.category_id)
        session.add(row)
    row.name, row.parent_id, row.path, row.source_at = data.name, data.parent_id, data.path, at
    await session.flush()
    # Products filed directly under this category get new documents (a renamed parent reaches its subtree's
    # products on their next change or at the next reindex).
    affected = (await session.scalars(select(SearchProduct.product_id).where(
        SearchProduct.category_ids.cast(Text).contains(data.category_id)))).all()
    await touch(session, affected)


async def apply_brand(session: AsyncSession, data: BrandCreated) -> None:
    row = await session.get(SearchBrand, data.brand_id)
    if row is None:
        session.add(SearchBrand(brand_id=data.brand_id, name=data.name))
    else:
        row.name = data.name
    await session.flush()
    ids = (await session.scalars(select(SearchProduct.product_id)
                                 .where(SearchProduct.brand_id == data.brand_id))).all()
    await touch(session, ids)
