"""The reserved stock leaves (the order is paid): on_hand and reserved drop by each line's qty. Twice is the same
as once; a released or expired reservation cannot be committed (domain.should_commit)."""
from __future__ import annotations

from apps.inventory import domain
from apps.inventory.orm import Reservation
from apps.inventory.use_cases.common import lock_reservation, reservation_event, settle
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def commit(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    reservation, proceed = await lock_reservation(uow, reservation_id, proceed=domain.should_commit)
    if proceed:
        vendors = await settle(uow, [reservation], status="committed", reason="commit", leaves=True)
        uow.emit("inventory.committed", reservation_event(reservation, vendors), key=reservation.id)
    return reservation
