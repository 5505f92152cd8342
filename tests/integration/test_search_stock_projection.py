"""Search's stock figure per SKU on real PostgreSQL (apps/search/projections.apply_stock, one upsert per event):
absolute figures win when newer, reservation deltas apply on top of the last absolute figure unless older than it,
a SKU first seen through a reservation is created, and a row the session already holds shows the change."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete

from apps.search.orm import SearchSku
from apps.search.projections import apply_stock
from kernel.db import Database
from kernel.ids import new_id_str
from kernel.settings import service_database_url


async def test_absolute_figures_and_reservation_deltas_keep_their_order(stack):
    db = Database(service_database_url("search"), pool_size=1)
    sku, product = f"STK-{new_id_str()[:8]}", new_id_str()
    t0 = datetime.now(timezone.utc)
    t = [t0 + timedelta(seconds=i) for i in range(5)]
    try:
        async with db.sessions() as session, session.begin():
            # first seen through a reservation: the row is created, no product yet to re-index, never below zero
            assert await apply_stock(session, sku=sku, product_id=None, available=None, delta=-2, at=t[1]) is None
            assert (await session.get(SearchSku, sku)).available == 0
            # an absolute figure sets it and names the product
            assert await apply_stock(session, sku=sku, product_id=product, available=7, delta=0, at=t[2]) == product
            held = await session.get(SearchSku, sku)
            assert (held.available, held.product_id) == (7, product)
            # a newer reservation applies on top; the row already held shows it
            assert await apply_stock(session, sku=sku, product_id=None, available=None, delta=-3, at=t[3]) == product
            assert held.available == 4
            # an older reservation is already inside the absolute figure; an older absolute figure loses
            assert await apply_stock(session, sku=sku, product_id=None, available=None, delta=-1, at=t[1]) is None
            assert await apply_stock(session, sku=sku, product_id=product, available=9, delta=0, at=t[0]) is None
            assert held.available == 4
            # a released reservation gives the units back; a newer absolute figure replaces everything
            assert await apply_stock(session, sku=sku, product_id=None, available=None, delta=2, at=t[3]) == product
            assert held.available == 6
            assert await apply_stock(session, sku=sku, product_id=product, available=1, delta=0, at=t[4]) == product
            assert (held.available, held.stock_at) == (1, t[4])
    finally:
        async with db.sessions() as session, session.begin():
            await session.execute(delete(SearchSku).where(SearchSku.sku == sku))
        await db.dispose()
