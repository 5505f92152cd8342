"""Reactions to the orders domain: keep the order projection that label creation checks."""
from __future__ import annotations

from apps.shipping import projections
from kernel.consumer import Event, Handler
from kernel.contracts.orders import OrderCancelled, OrderCreated, OrderPaid
from kernel.uow import UnitOfWork

STATUS_BY_EVENT = {"order.created": "pending", "order.paid": "paid", "order.cancelled": "cancelled"}


async def on_order_event(*, uow: UnitOfWork, event: Event[OrderCreated | OrderPaid | OrderCancelled]) -> None:
    # facts_from reads the wire shape, which the orders API's order document shares (clients.py feeds it too).
    await projections.apply(uow, projections.facts_from(event.data.wire(), status=STATUS_BY_EVENT[event.type]))


CONSUMERS: dict[str, Handler] = {t: on_order_event for t in STATUS_BY_EVENT}
