"""Reactions to payments and shipping (called by consumers.py inside the consumer's unit of work, so the inbox
row, the order's change and its events commit together). Every reaction locks the order row first, so it
serialises with the TTL sweeper and the admin on the same order."""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.orders import domain, payloads
from apps.orders.clients import OrderClients
from apps.orders.orm import Order, utcnow
from apps.orders.use_cases import fraud, fulfilment
from apps.orders.use_cases.common import find_order, follow_items, note, set_payment_status, set_status
from apps.orders.use_cases.transitions import give_back
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.reactions")


async def _locked(uow: UnitOfWork, order_no: str, event: str) -> Order | None:
    order = await find_order(uow, order_no, lock=True)
    if order is None:
        log.warning("orders.event_for_unknown_order", event_type=event, order_no=order_no[:64])
    return order


async def payment_succeeded(*, uow: UnitOfWork, clients: OrderClients, order_no: str, payment_id: str | None,
                            amount_minor: int, currency: str, at: datetime | None) -> Order | None:
    order = await _locked(uow, order_no, "payment.succeeded")
    if order is None or order.payment_status in ("paid", "partial", "refunded"):
        return order  # unknown, or already paid (a second intent's success is the payments service's refund)
    if currency != order.currency or amount_minor < order.total_minor:
        note(order, "payment", f"payment of {amount_minor} {currency} does not cover {order.total_minor} "
                               f"{order.currency}; not marked paid")
        return order
    at = at or utcnow()
    order.paid_at, order.payment_id = at, (payment_id or "")[:120] or None
    set_payment_status(uow, order, "paid", text=f"payment {payment_id}", at=at)
    if order.status == "cancelled":
        note(order, "note", "payment arrived after cancellation: refund due", at=at)
        return order
    if fraud.held_payment(order):
        return order
    await fulfilment.commit_stock(uow=uow, clients=clients, order=order)
    set_status(uow, order, "processing", text="paid", at=at)
    uow.emit("order.paid", payloads.paid(order), key=order.order_no)
    follow_items(uow, order, at=at)  # a label reported before the payment was processed
    return order


async def payment_failed(*, uow: UnitOfWork, clients: OrderClients, order_no: str, reason: str) -> Order | None:
    """Stock and coupon go back at once; the order waits (a retried payment re-reserves) until the TTL
    sweeper cancels it."""
    order = await _locked(uow, order_no, "payment.failed")
    if order is None or order.payment_status != "pending" or order.status != "unfulfilled":
        return order
    await give_back(clients, order)
    set_payment_status(uow, order, "failed", text=f"payment failed: {reason[:200]}")
    return order


async def payment_refunded(*, uow: UnitOfWork, order_no: str, amount_minor: int, total_refunded: int | None,
                           full: bool) -> Order | None:
    order = await _locked(uow, order_no, "payment.refunded")
    if order is None:
        return None
    order.refunded_minor = max(order.refunded_minor + amount_minor, total_refunded or 0)
    target = "refunded" if full else domain.payment_status_after_refund(total_minor=order.total_minor,
                                                                         refunded_minor=order.refunded_minor)
    if order.payment_status not in ("paid", "partial"):
        note(order, "payment", f"refund of {amount_minor} recorded while payment is {order.payment_status}")
        return order
    set_payment_status(uow, order, target, text=f"refund of {amount_minor} {order.currency}")
    return order


async def label_created(*, uow: UnitOfWork, order_no: str, vendor_id: str, carrier: str | None,
                        tracking_no: str) -> Order | None:
    """A label covers the vendor's items of the order that are still pending."""
    order = await _locked(uow, order_no, "shipping.label.created")
    if order is None or order.status in ("cancelled", "returned"):
        return order
    if order.fraud_hold:
        note(order, "note", f"label {tracking_no} created while on hold for fraud review: not shipped")
        return order
    items = [i for i in order.items if i.vendor_id == vendor_id and i.status == "pending"]
    fulfilment.ship(uow, order, items, carrier=carrier, tracking_no=tracking_no)
    return order


async def delivered(*, uow: UnitOfWork, order_no: str, vendor_id: str, tracking_no: str | None,
                    at: datetime | None) -> Order | None:
    order = await _locked(uow, order_no, "shipping.delivered")
    if order is None or order.status in ("cancelled", "returned"):
        return order
    theirs = [i for i in order.items if i.vendor_id == vendor_id and i.status != "delivered"]
    tracked = [i for i in theirs if tracking_no and i.tracking_no == tracking_no]
    fulfilment.deliver(uow, order, tracked or theirs, at=at)
    return order
