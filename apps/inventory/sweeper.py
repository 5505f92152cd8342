"""The reservation sweeper: a background task of the inventory service that expires overdue reservations.

Started and stopped by the service's lifespan hooks (task and stop event on app.state). Each batch is one
transaction that skips reservations other processes hold (SKIP LOCKED), so any number of inventory processes can
sweep side by side. `sweep_once` is the same work, callable directly (tests, a CLI).
"""
from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import Table

from apps.inventory.use_cases.expire_reservations import expire_due
from kernel.db import Database
from kernel.periodic import periodic_hooks
from kernel.uow import UnitOfWork


async def sweep_once(db: Database, outbox: Table, *, batch_size: int = 100, now: datetime | None = None) -> int:
    """Expire every overdue active reservation, batch by batch; returns how many were expired."""
    total = 0
    while True:
        # One unit of work per batch, committed by the use case: a batch's locks are released before the next.
        expired = await expire_due(uow=UnitOfWork(db.sessions, outbox), now=now, limit=batch_size)
        total += expired
        if expired < batch_size:
            return total


async def sweep_app(app: FastAPI, *, now: datetime | None = None) -> int:
    """sweep_once for a running inventory app (its database and outbox)."""
    return await sweep_once(app.state.db, app.state.outbox, batch_size=app.state.settings.sweep_batch_size, now=now)


start_sweeper, stop_sweeper = periodic_hooks("inventory", sweep_app, done="inventory.sweeper.expired")
