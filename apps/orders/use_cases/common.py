"""What every order use case shares: loading (and locking) an order, the timeline, and status changes that
always append a timeline row and emit their events in the same unit of work."""
from __future__ import annotations

from datetime import datetime

from apps.orders import domain, payloads
from apps.orders.exceptions import OrderNotFound
from apps.orders.orm import ORDER_NO_MAX, Order, TimelineEntry, utcnow
from apps.orders.repository import OrderRepository
from kernel.context import current_context
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


def actor() -> str:
    ctx = current_context()
    return f"{ctx.actor_type}:{ctx.user_id}" if ctx.user_id else "system"


async def find_order(uow: UnitOfWork, ref: str, *, lock: bool = False) -> Order | None:
    """By order number, or by id (admin routes accept either); malformed refs simply match nothing."""
    orders = uow.repository(OrderRepository)
    if is_uuid(ref):
        return await orders.order(order_id=ref, lock=lock)
    if 0 < len(ref) <= ORDER_NO_MAX:
        return await orders.order(order_no=ref, lock=lock)
    return None


async def get_order(uow: UnitOfWork, ref: str, *, lock: bool = False) -> Order:
    order = await find_order(uow, ref, lock=lock)
    if order is None:
        raise OrderNotFound(f"No order {ref[:ORDER_NO_MAX]!r}.")
    return order


def note(order: Order, kind: str, text: str | None, *, at: datetime | None = None, from_status: str | None = None,
         to_status: str | None = None) -> None:
    order.timeline.append(TimelineEntry(order_id=order.id, kind=kind, from_status=from_status, to_status=to_status,
                                        note=text, actor=actor(), at=at or utcnow()))


def set_status(uow: UnitOfWork, order: Order, target: str, *, text: str | None = None,
               at: datetime | None = None) -> None:
    """Move along the status machine (IllegalTransition → 409 otherwise); timeline + order.status_changed."""
    domain.check_transition(order.status, target)
    at = at or utcnow()
    previous, order.status, order.updated_at = order.status, target, at
    if target == "shipped":
        order.shipped_at = order.shipped_at or at
    elif target == "delivered":
        order.delivered_at = order.delivered_at or at
    elif target == "cancelled":
        order.cancelled_at = at
    note(order, "status", text, at=at, from_status=previous, to_status=target)
    uow.emit("order.status_changed", {"orderNo": order.order_no, "from": previous, "to": target,
                                      "userId": order.user_id, "paymentStatus": order.payment_status,
                                      "note": text, "at": at}, key=order.order_no)
    if target == "delivered":
        uow.emit("order.delivered", payloads.delivered(order), key=order.order_no)


def advance_to(uow: UnitOfWork, order: Order, target: str, *, text: str | None = None,
               at: datetime | None = None) -> None:
    """Every legal step up to `target` (processing → shipped → delivered), each on the timeline."""
    for step in domain.path_to(order.status, target):
        set_status(uow, order, step, text=text, at=at)


def follow_items(uow: UnitOfWork, order: Order, *, text: str | None = None, at: datetime | None = None) -> None:
    """Move the order to what its items now imply (all shipped → shipped; all delivered → delivered)."""
    target = domain.order_status_after_items(order.status, [i.status for i in order.items])
    if target is not None:
        advance_to(uow, order, target, text=text, at=at)


def set_payment_status(uow: UnitOfWork, order: Order, target: str, *, text: str | None = None,
                       at: datetime | None = None) -> None:
    domain.check_payment_transition(order.payment_status, target)
    at = at or utcnow()
    previous, order.payment_status, order.updated_at = order.payment_status, target, at
    note(order, "payment", text, at=at, from_status=previous, to_status=target)
    uow.emit("order.payment_status_changed", {"orderNo": order.order_no, "from": previous, "to": target,
                                              "refundedMinor": order.refunded_minor,
                                              "totalMinor": order.total_minor, "at": at}, key=order.order_no)
