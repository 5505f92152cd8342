"""The reservation sweeper: a background task of the inventory service that expires overdue reservations.

Started and stopped by the service's lifespan hooks (task and stop event on app.state). Each batch is one
transaction that skips reservations other processes hold (SKIP LOCKED), so any number of inventory processes can
sweep side by side. `sweep_once` is the same work, callable directly (tests, a CLI).
"""
from __future__ import annotations

import asyncio
from datetime import datetime

import structlog
from fastapi import FastAPI
from sqlalchemy import Table

from apps.inventory import reservations
from kernel.db import Database
from kernel.uow import UnitOfWork

log = structlog.get_logger("inventory.sweeper")


async def sweep_once(db: Database, outbox: Table, *, batch_size: int = 100, now: datetime | None = None) -> int:
    """Expire every overdue active reservation, batch by batch; returns how many were expired."""
    total = 0
    while True:
        async with UnitOfWork(db.sessions, outbox) as uow:
            expired = await reservations.expire_due(uow=uow, now=now, limit=batch_size)
            await uow.commit()
        total += expired
        if expired < batch_size:
            return total


async def sweep_app(app: FastAPI, *, now: datetime | None = None) -> int:
    """sweep_once for a running inventory app (its database and outbox)."""
    return await sweep_once(app.state.db, app.state.outbox, batch_size=app.state.settings.sweep_batch_size, now=now)


async def _run(app: FastAPI, stop: asyncio.Event) -> None:
    interval = app.state.settings.sweep_interval_seconds
    while not stop.is_set():
        try:
            if expired := await sweep_app(app):
                log.info("inventory.sweeper.expired", count=expired)
        except Exception as exc:  # noqa: BLE001 - a failed sweep (database restart) is retried next tick
            log.warning("inventory.sweeper.failed", error=f"{type(exc).__name__}: {exc}"[:300])
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


async def start_sweeper(app: FastAPI) -> None:
    app.state.sweeper_stop = asyncio.Event()
    app.state.sweeper = None
    if app.state.settings.run_sweeper:
        app.state.sweeper = asyncio.create_task(_run(app, app.state.sweeper_stop), name="inventory-sweeper")


async def stop_sweeper(app: FastAPI) -> None:
    app.state.sweeper_stop.set()
    if app.state.sweeper is not None:
        await app.state.sweeper
