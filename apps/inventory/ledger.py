"""The one place stock rows are locked and changed (see saleor's warehouse/lock_objects.py for the idea).

Every path that touches on_hand or reserved (vendor adjustments, reserve, commit, release, the sweeper) locks its
rows through `lock_stock`, always in sorted-SKU order, and changes them through `apply_change`, which writes the
movement row and raises the low-stock alert on the crossing. Two transactions that lock overlapping SKU sets
therefore queue up in the same order: they can wait for each other but never deadlock, and each one sees the
committed numbers of the one before it, so availability checks cannot oversell.

Lock order across tables: a reservation row before stock rows, never the other way round.
"""
from __future__ import annotations

from collections.abc import Iterable

from apps.inventory import domain
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
        uow.emit("inventory.low_stock", {
            "sku": item.sku, "vendorId": item.vendor_id, "productId": item.product_id,
            "available": item.available, "reorderPoint": item.reorder_point, "onHand": item.on_hand,
            "reserved": item.reserved, "at": now}, key=item.sku)


def _actor() -> str:
    ctx = current_context()
    return (ctx.user_id or ctx.actor_type or "system")[:64]
