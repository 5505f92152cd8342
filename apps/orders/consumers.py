"""Reactions to other domains' events: the vendor commission projection, payments and shipping.

Handlers that call other services (inventory commit/release, coupon release) need the app's service clients,
which exist only once the app has started; `Reactions.bind` (an on_startup hook) hands them in, and a handler
that runs before that raises, so the consumer retries it a moment later instead of losing the event.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import structlog
from fastapi import FastAPI

from apps.orders import vendor_projection
from apps.orders.clients import OrderClients
from apps.orders.use_cases import fraud, reactions
from kernel.events import Envelope
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.consumers")
VENDOR_STATUS = {"vendor.approved": "active", "vendor.reinstated": "active", "vendor.suspended": "suspended"}


def _when(value: Any) -> datetime | None:
    """An event's ISO timestamp as an aware UTC datetime (None if absent or unreadable: "now" is used)."""
    try:
        at = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return at.replace(tzinfo=timezone.utc) if at is not None and at.tzinfo is None else at


async def on_vendor(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    vendor_id = str(data.get("vendorId") or "")
    if not is_uuid(vendor_id):
        log.warning("orders.vendor_event_without_id", event_id=event.event_id)
        return
    await vendor_projection.upsert(uow, vendor_id=vendor_id, status=str(data.get("status") or
                                                                       VENDOR_STATUS[event.type]),
                                   commission=data.get("commission"), occurred_at=event.occurred_at)


class Reactions:
    def __init__(self) -> None:
        self._clients: OrderClients | None = None

    async def bind(self, app: FastAPI) -> None:
        self._clients = OrderClients(app.state.service_clients)

    @property
    def clients(self) -> OrderClients:
        if self._clients is None:
            raise RuntimeError("orders reactions ran before the app started; retrying")
        return self._clients

    async def payment_succeeded(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        await reactions.payment_succeeded(uow=uow, clients=self.clients, order_no=str(d["orderNo"]),
                                          payment_id=d.get("paymentId"), amount_minor=int(d["amountMinor"]),
                                          currency=str(d["currency"]), at=_when(d.get("succeededAt")))

    async def payment_failed(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        await reactions.payment_failed(uow=uow, clients=self.clients, order_no=str(d["orderNo"]),
                                       reason=str(d.get("reason") or "unknown"))

    async def payment_refunded(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        if d.get("status", "succeeded") != "succeeded":
            return  # a refund the provider has not settled yet changes nothing for the order
        await reactions.payment_refunded(uow=uow, order_no=str(d["orderNo"]), amount_minor=int(d["amountMinor"]),
                                         total_refunded=d.get("refundedTotalMinor"), full=bool(d.get("full")))

    async def label_created(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        await reactions.label_created(uow=uow, order_no=str(d["orderNo"]), vendor_id=str(d["vendorId"]),
                                      carrier=d.get("carrier"), tracking_no=str(d["trackingNo"]))

    async def delivered(self, *, uow: UnitOfWork, event: Envelope) -> None:
        d = event.data
        await reactions.delivered(uow=uow, order_no=str(d["orderNo"]), vendor_id=str(d["vendorId"]),
                                  tracking_no=d.get("trackingNo"), at=_when(d.get("deliveredAt")))

    async def fraud_decided(self, *, uow: UnitOfWork, event: Envelope) -> None:
        """serving's automatic decision: review holds the order, reject cancels it, approve lets it go on."""
        d = event.data
        if not d.get("enforced", True):
            return  # shadow mode: scored for measurement, not acted on
        await fraud.decided(uow=uow, clients=self.clients, order_no=str(d["orderNo"]), decision=str(d["decision"]),
                            by=f"model {d.get('modelVersion') or ''}".strip())

    async def fraud_reviewed(self, *, uow: UnitOfWork, event: Envelope) -> None:
        """The risk team's decision on a held order: approve releases it, reject cancels it."""
        d = event.data
        await fraud.decided(uow=uow, clients=self.clients, order_no=str(d["orderNo"]), decision=str(d["decision"]),
                            by=f"risk team ({d.get('decidedBy')})")

    def handlers(self) -> dict:
        return {
            **{event_type: on_vendor for event_type in VENDOR_STATUS},
            "payment.succeeded": self.payment_succeeded,
            "payment.failed": self.payment_failed,
            "payment.refunded": self.payment_refunded,
            "shipping.label_created": self.label_created,
            "shipping.delivered": self.delivered,
            "fraud.decided": self.fraud_decided,
            "fraud.review.decided": self.fraud_reviewed,
        }
