"""Reactions to the orders domain: keep the order projection that label creation checks."""
from __future__ import annotations

import structlog

from apps.shipping import projection
from kernel.contracts.registry import REGISTRY
from kernel.events import Envelope
from kernel.uow import UnitOfWork

log = structlog.get_logger("shipping.consumers")
STATUS_BY_EVENT = {"order.created": "pending", "order.paid": "paid", "order.cancelled": "cancelled"}


async def on_order_event(*, uow: UnitOfWork, event: Envelope) -> None:
    if not event.data.get("orderNo"):
        log.warning("shipping.order_event_without_number", event_id=event.event_id, event_type=event.type)
        return
    await projection.apply(uow, projection.facts_from(event.data, status=STATUS_BY_EVENT[event.type]))


# Only events whose contracts exist: the orders service may land after this one, and the kernel refuses to
# subscribe to unknown event types.
CONSUMERS = {t: on_order_event for t in STATUS_BY_EVENT if t in REGISTRY}
