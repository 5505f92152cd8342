"""The reserved stock leaves (the order is paid): on_hand and reserved drop by each line's qty. Twice is the same
as once; a released or expired reservation cannot be committed (domain.should_commit)."""
from __future__ import annotations

from apps.inventory import domain
from apps.inventory.ledger import apply_change
from apps.inventory.orm import Reservation
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import close, lock_reservation, reservation_event
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def commit(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    reservation, stock = await lock_reservation(uow, reservation_id, proceed=domain.should_commit)
    if stock is None:
        return reservation
    for line in reservation.items:
        apply_change(uow, stock[line.sku], reason="commit", delta_on_hand=-line.qty, delta_reserved=-line.qty,
                     reference=reservation.id)
    close(reservation, "committed")
    await uow.repository(InventoryRepository).flush()
    uow.emit("inventory.committed", reservation_event(reservation, stock), key=reservation.id)
    return reservation
