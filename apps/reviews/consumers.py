"""Reactions to the orders domain: keep the purchases projection that decides who may review what."""
from __future__ import annotations

from datetime import datetime

from apps.reviews import projections
from kernel.consumer import Event, Handler
from kernel.contracts.orders import OrderCancelled, OrderCreated, OrderDelivered, OrderPaid
from kernel.uow import UnitOfWork

STATUS_BY_EVENT = {"order.created": "pending", "order.paid": "paid", "order.delivered": "delivered",
                   "order.cancelled": "cancelled"}


def _event_time(event: Event[OrderCreated | OrderPaid | OrderDelivered | OrderCancelled]) -> datetime:
    """When the order was paid or delivered (those statuses keep the time); else when the event happened."""
    return getattr(event.data, "paid_at", None) or getattr(event.data, "delivered_at", None) or event.occurred_at


async def on_order_event(*, uow: UnitOfWork,
                         event: Event[OrderCreated | OrderPaid | OrderDelivered | OrderCancelled]) -> None:
    # facts_from reads the wire shape, which the orders API's order document shares (clients.py feeds it too).
    facts = projections.facts_from(event.data.wire(), status=STATUS_BY_EVENT[event.type], at=_event_time(event))
    await projections.apply(uow, facts)


CONSUMERS: dict[str, Handler] = {t: on_order_event for t in STATUS_BY_EVENT}
