"""Bulk import of stock levels (the seeded world): only rows never set (queries.never_set) take their level, so a
re-run, or a SKU already sold from or restocked, is left alone."""
from __future__ import annotations

from dataclasses import dataclass

from apps.inventory.ledger import apply_change, lock_stock
from apps.inventory.queries import never_set, valid_sku
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import adjusted
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class OpeningStock:
    on_hand: int
    reorder_point: int = 0


@use_case
async def set_opening_stock(*, uow: UnitOfWork, levels: dict[str, OpeningStock]) -> list[str]:
    """Returns the SKUs set."""
    locked = await lock_stock(uow, [s for s in levels if valid_sku(s)])
    done = []
    for sku in await never_set(uow, locked):
        level = levels[sku]
        if level.on_hand < 0 or level.reorder_point < 0 or (level.on_hand, level.reorder_point) == (0, 0):
            continue
        apply_change(uow, locked[sku], reason="adjust", delta_on_hand=level.on_hand, reference="opening",
                     reorder_point=level.reorder_point)
        done.append(sku)
    await uow.repository(InventoryRepository).flush()
    for sku in done:
        item = locked[sku]
        uow.emit("inventory.adjusted", adjusted(item, delta=item.on_hand, reason="set"), key=sku)
    return done
