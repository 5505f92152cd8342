"""Returned goods (order.returned, an RMA received) go back on hand: one movement per SKU, referenced by the RMA;
unknown SKUs are skipped."""
from __future__ import annotations

from apps.inventory.ledger import apply_change, lock_stock
from apps.inventory.queries import valid_sku
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import adjusted
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def restock_return(*, uow: UnitOfWork, rma_id: str, items: list[tuple[str, int]]) -> list[str]:
    wanted: dict[str, int] = {}
    for sku, qty in items:
        if valid_sku(sku) and qty > 0:
            wanted[sku] = wanted.get(sku, 0) + qty
    locked = await lock_stock(uow, wanted)
    for sku, item in locked.items():
        apply_change(uow, item, reason="restock", delta_on_hand=wanted[sku], reference=rma_id[:64])
        await uow.repository(InventoryRepository).flush()
        uow.emit("inventory.adjusted", adjusted(item, delta=wanted[sku], reason="restock"), key=sku)
    return sorted(locked)
