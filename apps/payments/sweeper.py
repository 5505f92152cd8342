"""The earnings sweeper: a background task that makes pending earnings eligible once delivery + the return
window has passed. Started and stopped by the service's lifespan hooks; `sweep_once` is the same work, callable
directly (tests pass `now` to move the clock instead of waiting two weeks)."""
from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import Table

from apps.payments.use_cases import earnings
from kernel.db import Database
from kernel.periodic import periodic_hooks
from kernel.uow import UnitOfWork


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


start_sweeper, _stop_periodic = periodic_hooks("payments", sweep_app, done="payments.sweeper.eligible")


async def stop_sweeper(app: FastAPI) -> None:
    await _stop_periodic(app)
    await app.state.provider.close()
