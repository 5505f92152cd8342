"""Reactions to other domains' events: the vendor commission projection, payments and shipping.

Handlers that call other services (inventory commit/release, coupon release) get the order clients from the
service's wiring: main.py declares `build_reactions` as a factory the lifespan calls once the app's service clients
exist, so no handler can run before its dependencies do.
"""
from __future__ import annotations

import structlog

from apps.orders import projections
from apps.orders.clients import OrderClients
from apps.orders.use_cases import fraud, reactions
from kernel.consumer import Event, Handler
from kernel.contracts.fraud import FraudDecided, FraudReviewDecided
from kernel.contracts.payments import PaymentFailed, PaymentRefunded, PaymentSucceeded
from kernel.contracts.shipping import Delivered, LabelCreated
from kernel.contracts.vendors import VendorStatusChanged
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.consumers")
VENDOR_EVENTS = ("vendor.approved", "vendor.reinstated", "vendor.suspended")


async def on_vendor(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    vendor = event.data
    if not is_uuid(vendor.vendor_id):
        log.warning("orders.vendor_event_without_id", event_id=event.event_id)
        return
    await projections.upsert(uow, vendor_id=vendor.vendor_id, status=vendor.status,
                                   commission=vendor.commission.wire() if vendor.commission else None,
                                   occurred_at=event.occurred_at)


async def label_created(*, uow: UnitOfWork, event: Event[LabelCreated]) -> None:
    label = event.data
    await reactions.label_created(uow=uow, order_no=label.order_no, vendor_id=label.vendor_id,
                                  carrier=label.carrier, tracking_no=label.tracking_no)


async def delivered(*, uow: UnitOfWork, event: Event[Delivered]) -> None:
    d = event.data
    await reactions.delivered(uow=uow, order_no=d.order_no, vendor_id=d.vendor_id, tracking_no=d.tracking_no,
                              at=d.delivered_at)


async def payment_refunded(*, uow: UnitOfWork, event: Event[PaymentRefunded]) -> None:
    refund = event.data
    if refund.status != "succeeded":
        return  # a refund the provider has not settled yet changes nothing for the order
    await reactions.payment_refunded(uow=uow, order_no=refund.order_no, amount_minor=refund.amount_minor,
                                     total_refunded=refund.refunded_total_minor, full=refund.full)


def build_reactions(clients: OrderClients) -> dict[str, Handler]:
    """Every reaction; those that call other services use `clients` (the started app's, from main.py)."""

    async def payment_succeeded(*, uow: UnitOfWork, event: Event[PaymentSucceeded]) -> None:
        paid = event.data
        await reactions.payment_succeeded(uow=uow, clients=clients, order_no=paid.order_no,
                                          payment_id=paid.payment_id, amount_minor=paid.amount_minor,
                                          currency=paid.currency, at=paid.succeeded_at)

    async def payment_failed(*, uow: UnitOfWork, event: Event[PaymentFailed]) -> None:
        await reactions.payment_failed(uow=uow, clients=clients, order_no=event.data.order_no,
                                       reason=event.data.reason or "unknown")

    async def fraud_decided(*, uow: UnitOfWork, event: Event[FraudDecided]) -> None:
        """serving's automatic decision: review holds the order, reject cancels it, approve lets it go on."""
        d = event.data
        if not d.enforced:
            return  # shadow mode: scored for measurement, not acted on
        await fraud.decided(uow=uow, clients=clients, order_no=d.order_no, decision=d.decision,
                            by=f"model {d.model_version}".strip())

    async def fraud_reviewed(*, uow: UnitOfWork, event: Event[FraudReviewDecided]) -> None:
        """The risk team's decision on a held order: approve releases it, reject cancels it."""
        d = event.data
        await fraud.decided(uow=uow, clients=clients, order_no=d.order_no, decision=d.decision,
                            by=f"risk team ({d.decided_by})")

    return {
        **{event_type: on_vendor for event_type in VENDOR_EVENTS},
        "payment.succeeded": payment_succeeded,
        "payment.failed": payment_failed,
        "payment.refunded": payment_refunded,
        "shipping.label.created": label_created,
        "shipping.delivered": delivered,
        "fraud.decided": fraud_decided,
        "fraud.review.decided": fraud_reviewed,
    }
