"""Expiry of overdue reservations, a batch at a time (the sweeper, sweeper.py, calls it in a loop)."""
from __future__ import annotations

from datetime import datetime

from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import give_back
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def expire_due(*, uow: UnitOfWork, now: datetime | None = None, limit: int = 100) -> int:
    """Expire up to `limit` active reservations past their expiry; returns how many.

    SKIP LOCKED: a reservation another process (sweeper, commit, release) holds is left to it, so two sweepers
    share the work instead of queueing behind each other.
    """
    rows = uow.repository(InventoryRepository)
    due = await rows.due_reservations(now or utcnow(), limit)
    if not due:
        return 0
    await give_back(uow, due, status="expired")
    return len(due)
