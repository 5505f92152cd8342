"""The earnings sweeper: a background task that makes pending earnings eligible once delivery + the return
window has passed. Started and stopped by the service's lifespan hooks; `sweep_once` is the same work, callable
directly (tests pass `now` to move the clock instead of waiting two weeks)."""
from __future__ import annotations

import asyncio
from datetime import datetime

import structlog
from fastapi import FastAPI
from sqlalchemy import Table

from apps.payments import earnings
from kernel.db import Database
from kernel.uow import UnitOfWork

log = structlog.get_logger("payments.sweeper")


async def sweep_once(db: Database, outbox: Table, *, batch_size: int = 200, now: datetime | None = None) -> int:
    total = 0
    while True:
        async with UnitOfWork(db.sessions, outbox) as uow:
            done = await earnings.make_eligible(uow=uow, now=now, limit=batch_size)
            await uow.commit()
        total += done
        if done < batch_size:
            return total


async def sweep_app(app: FastAPI, *, now: datetime | None = None) -> int:
    return await sweep_once(app.state.db, app.state.outbox, batch_size=app.state.settings.sweep_batch_size, now=now)


async def _run(app: FastAPI, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            if count := await sweep_app(app):
                log.info("payments.sweeper.eligible", count=count)
        except Exception as exc:  # noqa: BLE001 - a failed sweep (database restart) is retried next tick
            log.warning("payments.sweeper.failed", error=f"{type(exc).__name__}: {exc}"[:300])
        try:
            await asyncio.wait_for(stop.wait(), timeout=app.state.settings.sweep_interval_seconds)
        except asyncio.TimeoutError:
            pass


async def start_sweeper(app: FastAPI) -> None:
    app.state.sweeper_stop = asyncio.Event()
    app.state.sweeper = None
    if app.state.settings.run_sweeper:
        app.state.sweeper = asyncio.create_task(_run(app, app.state.sweeper_stop), name="payments-sweeper")


async def stop_sweeper(app: FastAPI) -> None:
    app.state.sweeper_stop.set()
    if app.state.sweeper is not None:
        await app.state.sweeper
    await app.state.provider.close()
