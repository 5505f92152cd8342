"""Give the held stock back (checkout failed or was abandoned). Releasing a released or expired reservation
changes nothing; a committed one cannot be released (domain.should_release)."""
from __future__ import annotations

from apps.inventory import domain
from apps.inventory.ledger import lock_stock
from apps.inventory.orm import Reservation
from apps.inventory.queries import get_reservation
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import give_back
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def release(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    reservation = await get_reservation(uow=uow, reservation_id=reservation_id, lock=True)
    if not domain.should_release(reservation.status):
        return reservation
    stock = await lock_stock(uow, (line.sku for line in reservation.items))
    give_back(uow, reservation, stock, status="released")
    await uow.repository(InventoryRepository).flush()
    return reservation
