"""The inventory database as the stock and reservation use cases see it (`uow.repository(InventoryRepository)`), so
their decisions run in unit tests on an in-memory stand-in (tests/fakes/inventory.py). The locking rules stay in
ledger.py: callers hand `lock_stock` SKUs already sorted, and this class keeps that order in the SQL."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.inventory.orm import Reservation, StockItem, StockMovement
from kernel.uow import Repository


class InventoryRepository(Repository):
    async def lock_stock(self, ordered_skus: list[str]) -> dict[str, StockItem]:
        # ORDER BY sits under the row-locking step in PostgreSQL's plan, so rows are locked in this order.
        stmt = (select(StockItem).where(StockItem.sku.in_(ordered_skus)).order_by(StockItem.sku).with_for_update()
                .execution_options(populate_existing=True))
        return {item.sku: item for item in (await self.session.scalars(stmt)).all()}

    async def stock_items(self, skus: list[str]) -> dict[str, StockItem]:
        """Unlocked reads of these SKUs' rows; unknown SKUs are absent."""
        return {item.sku: item for item in await self.session.scalars(select(StockItem).where(StockItem.sku.in_(skus)))}

    async def moved_skus(self, skus: list[str]) -> set[str]:
        """Those of `skus` with at least one movement in the ledger."""
        return set((await self.session.scalars(
            select(StockMovement.sku).where(StockMovement.sku.in_(skus)).distinct())).all())

    async def open_rows(self, rows: list[dict]) -> list[str]:
        """Insert stock rows, leaving SKUs that already have one alone; returns the SKUs inserted."""
        result = await self.session.execute(
            insert(StockItem).values(rows).on_conflict_do_nothing(index_elements=["sku"]).returning(StockItem.sku))
        return list(result.scalars().all())

    async def reservation(self, reservation_id: str, *, lock: bool = False) -> Reservation | None:
        stmt = select(Reservation).where(Reservation.id == reservation_id).execution_options(populate_existing=True)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def due_reservations(self, now: datetime, limit: int) -> list[Reservation]:
        """Active reservations past expiry, oldest first; SKIP LOCKED leaves one another process holds to it."""
        return list((await self.session.scalars(
            select(Reservation)
            .where(Reservation.status == "active", Reservation.expires_at <= now)
            .order_by(Reservation.expires_at).limit(limit)
            .with_for_update(skip_locked=True).execution_options(populate_existing=True))).all())
