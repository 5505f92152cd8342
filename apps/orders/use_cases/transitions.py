"""Cancellation (TTL expiry, admin) and the admin's manual status change.

Giving back stock and the coupon are calls to inventory and coupons made inside the order's transaction, before
its commit: both are idempotent, so if the commit fails the next attempt (sweeper tick, admin retry, consumer
redelivery) repeats them harmlessly, and a committed cancellation has always given them back.
"""
from __future__ import annotations

from datetime import datetime

from apps.orders import domain, payloads
from apps.orders.clients import OrderClients
from apps.orders.exceptions import IllegalTransition
from apps.orders.orm import Order, utcnow
from apps.orders.use_cases import fulfilment
from apps.orders.use_cases.common import get_order, note, set_status
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


async def give_back(clients: OrderClients, order: Order) -> None:
    """Release the order's reservation and coupon use (both idempotent; a committed reservation stays)."""
    if order.reservation_id:
        await clients.release_reservation(order.reservation_id)
    if order.coupon_code:
        await clients.release_coupon(order.order_no)


async def cancel(*, uow: UnitOfWork, clients: OrderClients, order: Order, reason: str, text: str | None = None,
                 at: datetime | None = None) -> Order:
    domain.check_transition(order.status, "cancelled")
    at = at or utcnow()
    previous = order.status
    await give_back(clients, order)
    order.cancel_reason = reason[:200]
    set_status(uow, order, "cancelled", text=text or reason, at=at)
    if order.payment_status in ("paid", "partial"):
        note(order, "note", "cancelled after payment: the shopper is owed a refund", at=at)
    uow.emit("order.cancelled", payloads.cancelled(order, previous_status=previous), key=order.order_no)
    return order


@use_case
async def admin_set_status(*, uow: UnitOfWork, clients: OrderClients, ref: str, target: str,
                           text: str | None) -> Order:
    """Staff move an order by hand along the same machine; "returned" only ever comes from a received RMA."""
    order = await get_order(uow, ref, lock=True)
    if target not in domain.ADMIN_TARGETS:
        raise IllegalTransition(f"{target} cannot be set by hand (allowed: {', '.join(domain.ADMIN_TARGETS)}).")
    domain.check_transition(order.status, target)
    if target != "cancelled":
        domain.check_not_held(order_no=order.order_no, fraud_hold=order.fraud_hold, action=f"move to {target}")
    if target == "cancelled":
        return await cancel(uow=uow, clients=clients, order=order, reason="admin", text=text)
    if target == "processing":
        await fulfilment.commit_stock(uow=uow, clients=clients, order=order)
        set_status(uow, order, "processing", text=text)
    elif target == "shipped":
        fulfilment.ship(uow, order, [i for i in order.items if i.status == "pending"], carrier=None,
                        tracking_no=None, text=text)
    elif target == "delivered":
        fulfilment.deliver(uow, order, list(order.items), text=text)
    if order.status != target:  # e.g. items already moved on by events: the order catches up
        set_status(uow, order, target, text=text)
    return order
