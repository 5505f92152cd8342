"""A vendor sets a SKU's stock (absolute or delta, never below reserved) and/or its reorder settings."""
from __future__ import annotations

from dataclasses import dataclass

from apps.inventory import domain
from apps.inventory.exceptions import InvalidStockChange, StockItemNotFound
from apps.inventory.ledger import apply_change, lock_stock
from apps.inventory.orm import SKU_MAX, StockItem
from apps.inventory.queries import valid_sku
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import adjusted
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class StockChange:
    """A vendor's PATCH: at most one of on_hand/delta; None leaves a field as it is."""

    on_hand: int | None = None
    delta: int | None = None
    reorder_point: int | None = None
    safety_stock: int | None = None

    @property
    def touches_stock(self) -> bool:
        return self.on_hand is not None or self.delta is not None

    @property
    def reason(self) -> str:
        return "set" if self.on_hand is not None else "delta" if self.delta is not None else "settings"


@use_case
async def adjust_stock(*, uow: UnitOfWork, vendor_id: str, sku: str, change: StockChange) -> StockItem:
    if change == StockChange():
        raise InvalidStockChange("Nothing to change: send onHand, delta, reorderPoint or safetyStock.")
    item = (await lock_stock(uow, [sku])).get(sku) if valid_sku(sku) and is_uuid(vendor_id) else None
    # Another vendor's SKU looks exactly like a missing one: no probing of competitors' catalogues.
    if item is None or item.vendor_id != vendor_id:
        raise StockItemNotFound(f"No stock for SKU {sku[:SKU_MAX]!r} in this vendor's inventory.")
    before = item.on_hand
    target = before
    if change.touches_stock:
        target = domain.target_on_hand(on_hand=before, reserved=item.reserved, set_to=change.on_hand,
                                       delta=change.delta)
    apply_change(uow, item, reason="adjust", delta_on_hand=target - before, reference=change.reason,
                 reorder_point=change.reorder_point, safety_stock=change.safety_stock)
    await uow.repository(InventoryRepository).flush()
    uow.emit("inventory.adjusted", adjusted(item, delta=target - before, reason=change.reason), key=item.sku)
    return item
