"""The inventory database as the stock and reservation use cases see it (`uow.repository(InventoryRepository)`), so
their decisions run in unit tests on an in-memory stand-in (tests/fakes/inventory.py). The locking rules stay in
ledger.py: callers hand `lock_stock` SKUs already sorted, and this class keeps that order in the SQL; `move_stock`
sorts in its own statement."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert

from apps.inventory.domain import Movement, StockLevel
from apps.inventory.orm import Reservation, StockItem, StockMovement
from kernel.ids import new_id_str
from kernel.uow import Repository

# One statement, so the row locks are held from here to COMMIT and not across the client's round-trips: lock the
# SKUs' rows in sorted order (FOR NO KEY UPDATE: foreign-key checks of concurrent ledger inserts do not wait), change
# those whose result keeps the CHECK constraints (a reservation asking more than is available changes nothing),
# and write one ledger row per movement of a changed row. Under READ COMMITTED the UPDATE re-checks its WHERE on
# the newest row version, so a concurrent commit that took the stock first is seen.
_MOVE_STOCK = text("""
WITH moves AS (
    SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:skus AS varchar[]), CAST(:on_hand AS int[]),
                         CAST(:reserved AS int[]), CAST(:refs AS varchar[]))
        AS m(id, sku, d_on_hand, d_reserved, reference)
), wanted AS (
    SELECT sku, sum(d_on_hand)::int AS d_on_hand, sum(d_reserved)::int AS d_reserved FROM moves GROUP BY sku
), locked AS MATERIALIZED (
    SELECT sku FROM stock_items WHERE sku IN (SELECT sku FROM wanted) ORDER BY sku FOR NO KEY UPDATE
), changed AS (
    UPDATE stock_items AS s
    SET on_hand = s.on_hand + w.d_on_hand, reserved = s.reserved + w.d_reserved, updated_at = :at
    FROM wanted AS w
    WHERE s.sku = w.sku AND s.sku IN (SELECT sku FROM locked)
      AND s.reserved + w.d_reserved >= 0 AND s.on_hand + w.d_on_hand >= s.reserved + w.d_reserved
    RETURNING s.sku, s.vendor_id, s.product_id, s.on_hand, s.reserved, s.reorder_point, w.d_on_hand, w.d_reserved
), ledger AS (
    INSERT INTO stock_movements (id, sku, delta_on_hand, delta_reserved, reason, reference, actor, at)
    SELECT m.id, m.sku, m.d_on_hand, m.d_reserved, :reason, m.reference, :actor, :at
    FROM moves AS m JOIN changed AS c ON c.sku = m.sku
)
SELECT sku, CAST(vendor_id AS text), CAST(product_id AS text), on_hand, reserved, reorder_point, d_on_hand, d_reserved
FROM changed ORDER BY sku
""")


class InventoryRepository(Repository):
    async def lock_stock(self, ordered_skus: list[str]) -> dict[str, StockItem]:
        # ORDER BY sits under the row-locking step in PostgreSQL's plan, so rows are locked in this order.
        stmt = (select(StockItem).where(StockItem.sku.in_(ordered_skus)).order_by(StockItem.sku).with_for_update()
                .execution_options(populate_existing=True))
        return {item.sku: item for item in (await self.session.scalars(stmt)).all()}

    async def stock_items(self, skus: list[str]) -> dict[str, StockItem]:
        """Unlocked reads of these SKUs' rows as they are now; unknown SKUs are absent."""
        stmt = select(StockItem).where(StockItem.sku.in_(skus)).execution_options(populate_existing=True)
        return {item.sku: item for item in await self.session.scalars(stmt)}

    async def move_stock(self, movements: list[Movement], *, reason: str, actor: str,
                         at: datetime) -> dict[str, StockLevel]:
        """Apply the movements in one statement (see _MOVE_STOCK); the result holds the SKUs that changed."""
        if not movements:
            return {}
        rows = await self.session.execute(_MOVE_STOCK, {
            "ids": [new_id_str() for _ in movements], "skus": [m.sku for m in movements],
            "on_hand": [m.delta_on_hand for m in movements], "reserved": [m.delta_reserved for m in movements],
            "refs": [m.reference for m in movements], "reason": reason, "actor": actor, "at": at})
        return {row[0]: StockLevel(*row) for row in rows}

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
