"""The one place stock rows are locked and changed (see saleor's warehouse/lock_objects.py for the idea).

Two ways in, the same rules. Vendor-side changes (adjustments, opening stock, restocked returns) lock their rows
through `lock_stock` and change them through `apply_change`. The checkout's hot path (reserve, commit, release,
the sweeper) uses `move_stock`: lock, check, change and ledger rows in one statement, as the last write before the
commit, so a popular SKU's row is held for one round-trip instead of one per statement (under 32 buyers the
row-at-a-time version queued every checkout behind the slowest holder). Both lock in sorted-SKU order, so two
transactions over overlapping SKU sets can wait for each other but never deadlock; both write a movement row per
change and raise the low-stock alert on the crossing; and each sees the committed numbers of the one before it,
so availability checks cannot oversell.

Lock order across tables: a reservation row before stock rows, never the other way round.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from apps.inventory import domain
from apps.inventory.domain import Movement, StockLevel
from apps.inventory.orm import StockItem, StockMovement
from apps.inventory.repository import InventoryRepository
from kernel.clock import utcnow
from kernel.context import current_context
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork


async def lock_stock(uow: UnitOfWork, skus: Iterable[str]) -> dict[str, StockItem]:
    """SELECT ... FOR UPDATE the given SKUs in sorted order; unknown SKUs are simply absent from the result."""
    ordered = sorted(set(skus))
    if not ordered:
        return {}
    return await uow.repository(InventoryRepository).lock_stock(ordered)


def apply_change(uow: UnitOfWork, item: StockItem, *, reason: str, delta_on_hand: int = 0,
                 delta_reserved: int = 0, reference: str | None = None, reorder_point: int | None = None,
                 safety_stock: int | None = None) -> None:
    """Change a row locked by `lock_stock`: numbers, ledger row, and `inventory.low_stock` on the crossing."""
    before_available, before_reorder = item.available, item.reorder_point
    item.on_hand += delta_on_hand
    item.reserved += delta_reserved
    if reorder_point is not None:
        item.reorder_point = reorder_point
    if safety_stock is not None:
        item.safety_stock = safety_stock
    now = utcnow()
    item.updated_at = now
    if delta_on_hand or delta_reserved:
        uow.repository(InventoryRepository).stage(StockMovement(
            id=new_id_str(), sku=item.sku, delta_on_hand=delta_on_hand, delta_reserved=delta_reserved, reason=reason,
            reference=reference, actor=_actor(), at=now))
    if domain.crossed_into_low(before_available=before_available, before_reorder_point=before_reorder,
                               after_available=item.available, after_reorder_point=item.reorder_point):
        _announce_low(uow, item, now)


async def move_stock(uow: UnitOfWork, movements: list[Movement], *, reason: str) -> dict[str, StockLevel]:
    """Apply the movements (several may name one SKU) in one statement; returns the changed rows by SKU. A SKU whose
    change would leave reserved above on hand or below zero, or that has no row, is left alone and absent from the
    result: the caller decides (a reservation raises, rolling back whatever did change)."""
    now = utcnow()
    moved = await uow.repository(InventoryRepository).move_stock(movements, reason=reason, actor=_actor(), at=now)
    for level in moved.values():
        if domain.crossed_into_low(before_available=level.available_before, before_reorder_point=level.reorder_point,
                                   after_available=level.available, after_reorder_point=level.reorder_point):
            _announce_low(uow, level, now)
    return moved


def _announce_low(uow: UnitOfWork, row: StockItem | StockLevel, at: datetime) -> None:
    uow.emit("inventory.low_stock", {
        "sku": row.sku, "vendorId": row.vendor_id, "productId": row.product_id, "available": row.available,
        "reorderPoint": row.reorder_point, "onHand": row.on_hand, "reserved": row.reserved, "at": at}, key=row.sku)


def _actor() -> str:
    ctx = current_context()
    return (ctx.user_id or ctx.actor_type or "system")[:64]
