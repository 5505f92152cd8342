"""Applying other domains' events to the search projections. Never commits (the consumer's unit of work does).

Ordering: a product's catalog events share one partition (key = productId), but a redelivery, a replay from the
outbox or an event from another topic can still arrive late, so each row remembers the time of the event that set
it and an older event is dropped. Whatever changes a product's document bumps its `index_version`; the sync loop
(apps/search/sync.py) pushes it to Typesense after the commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Text, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.orm import SearchBrand, SearchCategory, SearchProduct, SearchSku, SearchVendor


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


async def apply_product(session: AsyncSession, data: dict[str, Any], *, at: datetime) -> bool:
    """A product.* snapshot event; False when the row already reflects a newer one."""
    product_id = data["productId"]
    row = await session.get(SearchProduct, product_id, with_for_update=True)
    source_at = datetime.fromisoformat(data["updatedAt"]) if data.get("updatedAt") else at
    if row is not None and not _after(source_at, row.source_at):
        return False
    if row is None:
        row = SearchProduct(product_id=product_id, rating_avg=0.0, rating_count=0, units_sold=0,
                            index_version=0)
        session.add(row)
    row.vendor_id, row.title, row.slug = data["vendorId"], data["title"], data["slug"]
    row.status, row.brand_id = data["status"], data.get("brandId")
    row.category_ids = list(data.get("categoryIds") or [])
    if data.get("description") is not None:
        row.description = data["description"]
    elif row.description is None:
        row.description = ""
    if data.get("attributes") is not None:
        row.attributes = data["attributes"]
    elif row.attributes is None:
        row.attributes = {}
    variants = data.get("variants") or []
    row.currency = variants[0]["currency"] if variants else (row.currency or "USD")
    row.created_at = datetime.fromisoformat(data["createdAt"])
    row.source_at = source_at
    row.index_version = (row.index_version or 0) + 1
    await session.flush()
    await _apply_variants(session, product_id, variants, at=source_at)
    return True


async def _apply_variants(session: AsyncSession, product_id: str, variants: list[dict[str, Any]], *,
                          at: datetime) -> None:
    wanted = {v["sku"]: v for v in variants}
    existing = {s.sku: s for s in (await session.scalars(
        select(SearchSku).where(SearchSku.product_id == product_id).with_for_update())).all()}
    for sku, row in existing.items():
        row.active = sku in wanted
    for sku in sorted(wanted):
        row = existing.get(sku) or await _sku_row(session, sku, product_id)
        row.product_id, row.active = product_id, True
        row.option_values = dict(wanted[sku].get("optionValues") or {})
        if _after(at, row.price_at):
            row.price_minor, row.price_at = int(wanted[sku]["priceMinor"]), at
    await session.flush()


async def apply_price(session: AsyncSession, data: dict[str, Any], *, at: datetime) -> bool:
    changed_at = datetime.fromisoformat(data["changedAt"]) if data.get("changedAt") else at
    row = await _sku_row(session, data["sku"], data["productId"])
    if not _after(changed_at, row.price_at):
        return False
    row.price_minor, row.price_at = int(data["newPriceMinor"]), changed_at
    await session.flush()
    await touch(session, [data["productId"]])
    return True


async def apply_stock(session: AsyncSession, *, sku: str, product_id: str | None, available: int | None,
                      delta: int, at: datetime) -> str | None:
    """inventory.adjusted/low_stock carry the SKU's available stock (absolute, set if newer); reservations carry
    only quantities (a delta, applied when newer than the last absolute figure). Returns the product to re-index."""
    row = await _sku_row(session, sku, product_id)
    if product_id and not row.product_id:
        row.product_id = product_id
    if available is not None:
        if not _after(at, row.stock_at):
            return None
        row.available, row.stock_at = available, at
    else:
        if row.stock_at is not None and at < row.stock_at:
            return None  # the last absolute figure already includes this reservation
        row.available = max((row.available or 0) + delta, 0)
    await session.flush()
    if row.product_id:
        await touch(session, [row.product_id])
    return row.product_id


async def apply_rating(session: AsyncSession, data: dict[str, Any], *, at: datetime) -> bool:
    if data.get("ratingAvg") is None:
        return False
    row = await session.get(SearchProduct, data["productId"], with_for_update=True)
    if row is None or not _after(at, row.rating_at):
        return False
    row.rating_avg, row.rating_count, row.rating_at = float(data["ratingAvg"]), int(data.get("ratingCount") or 0), at
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


async def apply_category(session: AsyncSession, data: dict[str, Any], *, at: datetime) -> None:
    row = await session.get(SearchCategory, data["categoryId"], with_for_update=True)
    if row is not None and not _after(at, row.source_at):
        return
    if row is None:
        row = SearchCategory(category_id=data["categoryId"])
        session.add(row)
    row.name, row.parent_id, row.path, row.source_at = data["name"], data.get("parentId"), data["path"], at
    await session.flush()
    # Products filed directly under this category get new documents (a renamed parent reaches its subtree's
    # products on their next change or at the next reindex).
    affected = (await session.scalars(select(SearchProduct.product_id).where(
        SearchProduct.category_ids.cast(Text).contains(data["categoryId"])))).all()
    await touch(session, affected)


async def apply_brand(session: AsyncSession, data: dict[str, Any]) -> None:
    row = await session.get(SearchBrand, data["brandId"])
    if row is None:
        session.add(SearchBrand(brand_id=data["brandId"], name=data["name"]))
    else:
        row.name = data["name"]
    await session.flush()
    ids = (await session.scalars(select(SearchProduct.product_id)
                                 .where(SearchProduct.brand_id == data["brandId"]))).all()
    await touch(session, ids)
