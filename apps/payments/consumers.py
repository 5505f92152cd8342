"""Reactions to the orders domain: keep the order projection current, record vendor earnings when an order is
paid, start the return window at delivery, void what a cancellation leaves unpaid, and keep each RMA's money
side ready for the staff refund. The inbox makes every one of them run once per event."""
from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import select

from apps.payments import projections
from apps.payments.config import PaymentsSettings
from apps.payments.orm import ReturnRequest
from apps.payments.providers.base import PaymentProvider
from apps.payments.use_cases import earnings, fraud
from kernel.clock import utcnow
from kernel.consumer import Event, Handler
from kernel.contracts.orders import (OrderCancelled, OrderCreated, OrderDelivered, OrderPaid, PaymentStatusChanged,
                                     ReturnRequested, StatusChanged)
from kernel.uow import UnitOfWork

log = structlog.get_logger("payments.consumers")


def build_consumers(settings: PaymentsSettings, provider: PaymentProvider | None = None) -> dict[str, Handler]:
    window = timedelta(days=settings.return_window_days)

    async def on_created(*, uow: UnitOfWork, event: Event[OrderCreated]) -> None:
        # The projection reads an order's wire shape: the same code takes the orders API's answer (create_intent).
        if not await projections.record(uow, event.data.wire()):
            log.warning("payments.order_ignored", event_id=event.event_id, reason="unusable order.created")

    async def on_paid(*, uow: UnitOfWork, event: Event[OrderPaid]) -> None:
        await earnings.record_for_paid_order(uow=uow, data=event.data.wire(), fee_bps=settings.payment_fee_bps,
                                             fee_fixed_minor=settings.payment_fee_fixed_minor,
                                             return_window=window)

    async def on_delivered(*, uow: UnitOfWork, event: Event[OrderDelivered]) -> None:
        await earnings.mark_delivered(uow=uow, order_no=event.data.order_no, delivered_at=event.data.delivered_at,
                                      return_window=window)

    async def on_cancelled(*, uow: UnitOfWork, event: Event[OrderCancelled]) -> None:
        order_no = event.data.order_no
        await projections.update(uow, order_no, status="cancelled", cancelled_at=event.data.cancelled_at)
        await earnings.void_for_order(uow=uow, order_no=order_no)

    async def on_status_changed(*, uow: UnitOfWork, event: Event[StatusChanged]) -> None:
        await projections.update(uow, event.data.order_no, status=event.data.to)

    async def on_payment_status_changed(*, uow: UnitOfWork, event: Event[PaymentStatusChanged]) -> None:
        await projections.update(uow, event.data.order_no, payment_status=event.data.to)

    async def on_return_requested(*, uow: UnitOfWork, event: Event[ReturnRequested]) -> None:
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


async def record_return(uow: UnitOfWork, rma: ReturnRequested) -> None:
    """An RMA's money side: what the shopper sends back; staff refund it with {rmaId}."""
    if not rma.rma_id or not rma.order_no or len(rma.rma_id) > 64:
        return
    if await uow.session.scalar(select(ReturnRequest.rma_id).where(ReturnRequest.rma_id == rma.rma_id)) is not None:
        return  # the same RMA announced twice
    items = [{"sku": line.sku, "qty": line.qty} for line in rma.items if line.sku]
    uow.session.add(ReturnRequest(rma_id=rma.rma_id, order_no=rma.order_no, user_id=rma.user_id[:64], items=items,
                                  amount_minor=rma.amount_minor, reason=rma.reason[:500],
                                  created_at=utcnow()))
    await uow.session.flush()
