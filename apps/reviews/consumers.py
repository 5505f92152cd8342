"""Reactions to the orders domain: keep the purchases projection that decides who may review what."""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.reviews import purchases
from kernel.contracts.registry import REGISTRY
from kernel.events import Envelope
from kernel.uow import UnitOfWork

log = structlog.get_logger("reviews.consumers")
STATUS_BY_EVENT = {"order.created": "pending", "order.paid": "paid", "order.delivered": "delivered",
                   "order.cancelled": "cancelled"}
TIME_FIELD = {"order.paid": "paidAt", "order.delivered": "deliveredAt"}


def _event_time(event: Envelope) -> datetime:
    raw = event.data.get(TIME_FIELD.get(event.type, ""))
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00")) if raw else event.occurred_at
    except ValueError:
        return event.occurred_at


async def on_order_event(*, uow: UnitOfWork, event: Envelope) -> None:
    if not event.data.get("orderNo"):
        log.warning("reviews.order_event_without_number", event_id=event.event_id, event_type=event.type)
        return
    facts = purchases.facts_from(event.data, status=STATUS_BY_EVENT[event.type], at=_event_time(event))
    await purchases.apply(uow, facts)


# Only events whose contracts exist: the orders service may land after this one, and the kernel refuses to
# subscribe to unknown event types.
CONSUMERS = {t: on_order_event for t in STATUS_BY_EVENT if t in REGISTRY}
