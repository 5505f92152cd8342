"""Reactions to the orders domain: keep the order projection current, record vendor earnings when an order is
paid, start the return window at delivery, void what a cancellation leaves unpaid, and keep each RMA's money
side ready for the staff refund. The inbox makes every one of them run once per event."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select

from apps.payments import earnings, fraud, projection
from apps.payments.config import PaymentsSettings
from apps.payments.orm import ReturnRequest
from apps.payments.providers.base import PaymentProvider
from kernel.events import Envelope
from kernel.uow import UnitOfWork

log = structlog.get_logger("payments.consumers")


def _when(data: dict[str, Any], field: str, event: Envelope) -> datetime:
    value = data.get(field)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else event.occurred_at
    except ValueError:
        return event.occurred_at


def build_consumers(settings: PaymentsSettings, provider: PaymentProvider | None = None) -> dict[str, Any]:
    window = timedelta(days=settings.return_window_days)

    async def on_created(*, uow: UnitOfWork, event: Envelope) -> None:
        if not await projection.record(uow, event.data):
            log.warning("payments.order_ignored", event_id=event.event_id, reason="unusable order.created")

    async def on_paid(*, uow: UnitOfWork, event: Envelope) -> None:
        await earnings.record_for_paid_order(uow=uow, data=event.data, fee_bps=settings.payment_fee_bps,
                                             fee_fixed_minor=settings.payment_fee_fixed_minor,
                                             return_window=window)

    async def on_delivered(*, uow: UnitOfWork, event: Envelope) -> None:
        await earnings.mark_delivered(uow=uow, order_no=str(event.data.get("orderNo") or ""),
                                      delivered_at=_when(event.data, "deliveredAt", event), return_window=window)

    async def on_cancelled(*, uow: UnitOfWork, event: Envelope) -> None:
        order_no = str(event.data.get("orderNo") or "")
        await projection.update(uow, order_no, status="cancelled",
                                cancelled_at=_when(event.data, "cancelledAt", event))
        await earnings.void_for_order(uow=uow, order_no=order_no)

    async def on_status_changed(*, uow: UnitOfWork, event: Envelope) -> None:
        if status := event.data.get("to"):
            await projection.update(uow, str(event.data.get("orderNo") or ""), status=str(status)[:32])

    async def on_payment_status_changed(*, uow: UnitOfWork, event: Envelope) -> None:
        if status := event.data.get("to"):
            await projection.update(uow, str(event.data.get("orderNo") or ""), payment_status=str(status)[:32])

    async def on_return_requested(*, uow: UnitOfWork, event: Envelope) -> None:
        await record_return(uow, event.data)

    return {
        "order.created": on_created,
        "order.paid": on_paid,
        "order.delivered": on_delivered,
        "order.cancelled": on_cancelled,
        "order.status_changed": on_status_changed,
        "order.payment_status_changed": on_payment_status_changed,
        "order.return_requested": on_return_requested,
        **(fraud.build_reactions(provider) if provider is not None else {}),
    }


async def record_return(uow: UnitOfWork, data: dict[str, Any]) -> None:
    """An RMA's money side: what the shopper sends back; staff refund it with {rmaId}."""
    rma_id, order_no = str(data.get("rmaId") or ""), str(data.get("orderNo") or "")
    if not rma_id or not order_no or len(rma_id) > 64:
        return
    if await uow.session.scalar(select(ReturnRequest.rma_id).where(ReturnRequest.rma_id == rma_id)) is not None:
        return  # the same RMA announced twice
    items = [{"sku": str(i["sku"]), "qty": int(i["qty"])} for i in data.get("items") or []
             if isinstance(i, dict) and i.get("sku") and isinstance(i.get("qty"), int) and i["qty"] > 0]
    uow.session.add(ReturnRequest(rma_id=rma_id, order_no=order_no, user_id=str(data.get("userId") or "")[:64],
                                  items=items, amount_minor=int(data.get("amountMinor") or 0),
                                  reason=str(data.get("reason") or "")[:500], created_at=projection.utcnow()))
    await uow.session.flush()
