"""Cart's projections of other domains, fed by their events (apps/cart/consumers.py): catalog SKUs (price, status,
what the product is) and vendor statuses. A row only moves forward: an event older than the one that last set it
(redelivered or replayed out of order) changes nothing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.cart.orm import SkuCatalog, VendorState
from apps.cart.repository import CartRepository
from kernel.contracts.catalog import ProductChanged, ProductPriceUpdated, VariantSnapshot
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


def _sku_row(product: ProductChanged, variant: VariantSnapshot, occurred_at: datetime) -> dict[str, Any] | None:
    if not variant.sku or len(variant.sku) > 64:
        return None
    return {"sku": variant.sku, "product_id": product.product_id, "vendor_id": product.vendor_id,
            "title": product.title[:200], "product_status": product.status[:16],
            "price_minor": variant.price_minor, "currency": variant.currency[:3],
            "category_ids": product.category_ids[:50],
            "weight_grams": variant.weight_grams, "source_occurred_at": occurred_at, "updated_at": occurred_at}


async def _upsert_newer(uow: UnitOfWork, table, key: str, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE only where the stored row is not newer than the event."""
    if not rows:
        return
    stmt = insert(table).values(rows)
    updates = {c: stmt.excluded[c] for c in rows[0] if c != key}
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[key], set_=updates, where=table.c.source_occurred_at <= stmt.excluded.source_occurred_at))


async def apply_product(uow: UnitOfWork, product: ProductChanged, occurred_at: datetime) -> int:
    """A product snapshot (product.created/updated/approved/archived/rejected): every SKU of it as of now."""
    if not (is_uuid(product.product_id) and is_uuid(product.vendor_id)):
        return 0
    rows = [row for v in product.variants if (row := _sku_row(product, v, occurred_at)) is not None]
    rows = list({row["sku"]: row for row in rows}.values())  # one row per SKU in a single statement
    await _upsert_newer(uow, SkuCatalog.__table__, "sku", sorted(rows, key=lambda r: r["sku"]))
    return len(rows)


async def apply_price(uow: UnitOfWork, price: ProductPriceUpdated, occurred_at: datetime) -> bool:
    row = await uow.session.scalar(select(SkuCatalog).where(SkuCatalog.sku == price.sku).with_for_update())
    if row is None or row.source_occurred_at > occurred_at:
        return False  # unknown SKU: its product snapshot (with this price) creates the row
    row.price_minor, row.source_occurred_at, row.updated_at = price.new_price_minor, occurred_at, occurred_at
    row.currency = price.currency[:3]
    return True


async def apply_vendor(uow: UnitOfWork, vendor_id: str, status: str, occurred_at: datetime) -> None:
    await _upsert_newer(uow, VendorState.__table__, "vendor_id", [{
        "vendor_id": vendor_id, "status": status[:16], "source_occurred_at": occurred_at, "updated_at": occurred_at}])


async def sku_entries(uow: UnitOfWork, skus: list[str]) -> dict[str, tuple[SkuCatalog, str | None]]:
    """SKU → (catalog row, its vendor's status or None if no vendor event was seen)."""
    if not skus:
        return {}
    return await uow.repository(CartRepository).sku_entries(skus)
