"""Give the held stock back (checkout failed or was abandoned). Releasing a released or expired reservation
changes nothing; a committed one cannot be released (domain.should_release)."""
from __future__ import annotations

from apps.inventory import domain
from apps.inventory.orm import Reservation
from apps.inventory.use_cases.common import give_back, lock_reservation
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def release(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    reservation, proceed = await lock_reservation(uow, reservation_id, proceed=domain.should_release)
    if proceed:
        await give_back(uow, [reservation], status="released")
    return reservation
