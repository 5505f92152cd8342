"""The catalog's vendors projection on the real PostgreSQL: two writers racing for a vendor's first row (the vendor.*
consumer in one process, a request that confirmed the vendor with the vendors service in another) both succeed — the
insert gives way and the loser updates the winner's row — and an older write never overrides a newer one."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from apps.catalog.orm import VendorProjection
from apps.catalog.repository import ProductRepository
from kernel.db import Database
from kernel.ids import new_id_str
from kernel.settings import service_database_url


async def test_two_first_writers_of_a_vendor_row_both_succeed_and_the_newer_wins(stack):
    db = Database(service_database_url("catalog"), pool_size=2)
    vendor_id, now = new_id_str(), datetime.now(timezone.utc)
    try:
        async with db.sessions() as first, db.sessions() as second:
            await first.begin()
            await second.begin()
            # the first inserts and holds its transaction open; the second's insert must wait for it, then update
            assert await ProductRepository(first).upsert_vendor(
                vendor_id=vendor_id, name="Shop", slug="shop", status="pending", occurred_at=now) == (True, None)
            racing = asyncio.create_task(ProductRepository(second).upsert_vendor(
                vendor_id=vendor_id, name="Shop", slug="shop", status="active", occurred_at=now + timedelta(seconds=1)))
            await asyncio.sleep(0.3)
            assert not racing.done()  # blocked on the first's uncommitted row, not failed
            await first.commit()
            assert await racing == (True, "pending")
            await second.commit()
        async with db.sessions() as session:
            row = await session.get(VendorProjection, vendor_id)
            assert row.status == "active"
            older = await ProductRepository(session).upsert_vendor(
                vendor_id=vendor_id, name="Shop", slug="shop", status="suspended", occurred_at=now)
            assert older == (False, "active")
            await session.rollback()
    finally:
        await db.dispose()
