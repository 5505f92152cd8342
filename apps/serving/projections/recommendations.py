"""The recommender's projections of other domains, fed by their events (reactions.py): which products may be shown
(catalog status, vendor status, stock), what was bought together, what sells, and what each shopper bought.

Status rows only move forward: an event older than the one that last set the row changes nothing (redelivery or
replay out of order). Counters are made exactly-once by the consumer's inbox (one event, one increment).
"""
from __future__ import annotations

from datetime import datetime
from itertools import permutations
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert

from apps.serving.orm.recommendations import RecoCoPurchase, RecoPopularity, RecoProduct, RecoPurchase, RecoStock, RecoVendor
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

TREND_HALF_LIFE_SECONDS = 7 * 86_400.0  # "trending" = orders decayed with a one-week half-life
MAX_BASKET = 50  # pairs grow with the square of a basket: a huge order says little about pairs anyway


async def _upsert_newer(uow: UnitOfWork, table, key: str, row: dict[str, Any]) -> None:
    stmt = insert(table).values(row)
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[key], set_={c: stmt.excluded[c] for c in row if c != key},
        where=table.c.source_occurred_at <= stmt.excluded.source_occurred_at))


async def apply_product(uow: UnitOfWork, data: dict[str, Any], occurred_at: datetime) -> str | None:
    """A product snapshot; returns its status, or None when the payload is unusable."""
    product_id, vendor_id = data.get("productId"), data.get("vendorId")
    if not (is_uuid(product_id) and is_uuid(vendor_id)):
        return None
    categories = [str(c)[:64] for c in data.get("categoryIds") or []][:50]
    skus = sorted({str(v.get("sku"))[:64] for v in data.get("variants") or [] if isinstance(v, dict) and v.get("sku")})
    status = str(data.get("status") or "draft")[:16]
    await _upsert_newer(uow, RecoProduct.__table__, "product_id", {
        "product_id": product_id, "vendor_id": vendor_id, "status": status,
        "category_id": categories[0] if categories else None, "category_ids": categories, "skus": skus,
        "source_occurred_at": occurred_at})
    if skus:  # stock rows opened before the product was seen learn which product they belong to
        await uow.session.execute(update(RecoStock).where(RecoStock.sku.in_(skus), RecoStock.product_id.is_(None))
                                  .values(product_id=product_id))
    return status


async def apply_vendor(uow: UnitOfWork, vendor_id: str, status: str, occurred_at: datetime) -> None:
    await _upsert_newer(uow, RecoVendor.__table__, "vendor_id", {
        "vendor_id": vendor_id, "status": status[:16], "source_occurred_at": occurred_at})


async def _product_of(uow: UnitOfWork, sku: str, product_id: Any) -> str | None:
    if is_uuid(product_id):
        return str(product_id)
    return await uow.session.scalar(select(RecoProduct.product_id).where(RecoProduct.skus.contains([sku])).limit(1))


async def set_available(uow: UnitOfWork, data: dict[str, Any], occurred_at: datetime) -> str | None:
    """inventory.adjusted / low_stock carry the absolute number: it wins over anything older. Returns the SKU's
    product id when known."""
    sku = str(data.get("sku") or "")[:64]
    if not sku or data.get("available") is None:
        return None
    product_id = await _product_of(uow, sku, data.get("productId"))
    await _upsert_newer(uow, RecoStock.__table__, "sku", {
        "sku": sku, "product_id": product_id, "available": int(data["available"]), "source_occurred_at": occurred_at})
    return product_id


async def move_available(uow: UnitOfWork, lines: list[dict[str, Any]], sign: int) -> list[str]:
    """A reservation takes units (sign -1), a release gives them back (+1); unknown SKUs wait for their
    inventory.adjusted. Returns the product ids whose stock moved."""
    after = []
    for line in sorted(lines, key=lambda x: str(x.get("sku"))):  # sorted: concurrent handlers never deadlock
        sku, qty = str(line.get("sku") or "")[:64], int(line.get("qty") or 0)
        if not sku or qty <= 0:
            continue
        result = await uow.session.execute(update(RecoStock).where(RecoStock.sku == sku)
                                           .values(available=RecoStock.available + sign * qty)
                                           .returning(RecoStock.product_id))
        after.extend(p for p in result.scalars().all() if p)
    return after


async def vendor_products(uow: UnitOfWork, vendor_id: str) -> list[str]:
    rows = await uow.session.execute(select(RecoProduct.product_id).where(RecoProduct.vendor_id == vendor_id))
    return [str(r[0]) for r in rows]


def basket_products(data: dict[str, Any]) -> list[str]:
    """Distinct product ids of an order's lines (order.created) or of order.paid's productIds."""
    ids = [line.get("productId") for line in data.get("items") or [] if isinstance(line, dict)]
    ids += list(data.get("productIds") or [])
    return sorted({str(i).lower() for i in ids if is_uuid(i)})[:MAX_BASKET]


async def record_purchases(uow: UnitOfWork, user_id: str, products: list[str], at: datetime) -> None:
    if not products:
        return
    stmt = insert(RecoPurchase).values([{"user_id": user_id, "product_id": p, "purchased_at": at} for p in products])
    await uow.session.execute(stmt.on_conflict_do_nothing())


async def count_order(uow: UnitOfWork, products: list[str], at: datetime) -> None:
    """One order: +1 for each product's popularity and decayed trend, +1 for each ordered pair bought together."""
    if not products:
        return
    table = RecoPopularity.__table__
    stmt = insert(table).values([{"product_id": p, "orders": 1, "trend": 1.0, "trend_at": at} for p in products])
    # Both the stored trend and this order are decayed to the later of their two times, then added: an order
    # replayed out of order counts for what it was worth at its own time.
    newest = func.greatest(table.c.trend_at, stmt.excluded.trend_at)

    def decay(since):
        return func.power(2.0, -func.extract("epoch", newest - since) / TREND_HALF_LIFE_SECONDS)

    await uow.session.execute(stmt.on_conflict_do_update(index_elements=["product_id"], set_={
        "orders": table.c.orders + 1, "trend": table.c.trend * decay(table.c.trend_at) + decay(stmt.excluded.trend_at),
        "trend_at": newest}))
    pairs = [{"product_id": a, "other_id": b, "orders": 1} for a, b in permutations(products, 2)]
    if pairs:
        pair_table = RecoCoPurchase.__table__
        stmt = insert(pair_table).values(pairs)
        await uow.session.execute(stmt.on_conflict_do_update(
            index_elements=["product_id", "other_id"], set_={"orders": pair_table.c.orders + 1}))


async def projection_counts(uow: UnitOfWork) -> dict[str, int]:
    """For /readyz and tests: how much each projection holds."""
    tables = ("reco_products", "reco_vendors", "reco_stock", "reco_popularity", "reco_copurchase", "reco_purchases")
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return {name: int(n) for name, n in (await uow.session.execute(text(sql))).all()}
