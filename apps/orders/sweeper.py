"""The unpaid-order sweeper: a background task of the orders service that cancels orders still unpaid past
their expiry (the reservation's TTL), giving their stock and coupon back and emitting `order.cancelled`.

One order per transaction, picked with SKIP LOCKED: any number of orders processes sweep side by side, and an
order a payment reaction is holding is left to it (it will either pay or be swept on the next tick). An order
whose cancellation fails (inventory unreachable) is skipped for this pass and retried on the next.
`sweep_once` is the same work, callable directly (tests, a CLI).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from fastapi import FastAPI

from apps.orders.clients import OrderClients
from apps.orders.orm import utcnow
from apps.orders.repository import OrderRepository
from apps.orders.use_cases.transitions import cancel
from kernel.periodic import periodic_hooks
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.sweeper")


async def _cancel_next(units: Callable[[], UnitOfWork], clients: OrderClients, *, now: datetime,
                       skip: set[str]) -> str | None:
    """Cancel the next overdue order; returns its id (None when there is none left)."""
    async with units() as uow:
        order = await uow.repository(OrderRepository).next_overdue(now, skip=skip)
        if order is None:
            return None
        try:
            await cancel(uow=uow, clients=clients, order=order, reason="expired",
                         text="unpaid when the reservation expired", at=now)
            await uow.commit()
        except Exception as exc:  # noqa: BLE001 - leave this order for the next pass, sweep the others
            log.warning("orders.sweeper.cancel_failed", order_no=order.order_no, error=str(exc)[:300])
            skip.add(order.id)
        return order.id


async def sweep_once(*, units: Callable[[], UnitOfWork], clients: OrderClients, batch_size: int = 50,
                     now: datetime | None = None) -> int:
    """Cancel up to `batch_size` overdue unpaid orders, each in its own unit of work from `units`; returns how
    many were cancelled."""
    now, done = now or utcnow(), 0
    failed: set[str] = set()
    for _ in range(batch_size):
        order_id = await _cancel_next(units, clients, now=now, skip=failed)
        if order_id is None:
            break
        done += order_id not in failed
    return done


async def sweep_app(app: FastAPI, *, now: datetime | None = None) -> int:
    """sweep_once for a running orders app (its database, outbox and service clients)."""
    return await sweep_once(units=lambda: UnitOfWork(app.state.db.sessions, app.state.outbox),
                            clients=OrderClients(app.state.service_clients),
                            batch_size=app.state.settings.sweep_batch_size, now=now)


start_sweeper, stop_sweeper = periodic_hooks("orders", sweep_app, done="orders.sweeper.cancelled")
