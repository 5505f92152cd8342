"""Orders' side of fraud screening (serving's fraud.decided and fraud.review.decided):

- approve: the flow goes on; an order held for review is released — if it was paid meanwhile, its stock is
  committed and it moves to processing now (the steps payment_succeeded skipped while it was held);
- review: the order is held. While held it is not fulfilled: a payment marks it paid but commits no stock and does
  not move it to processing; vendors cannot ship it; staff cannot move it forward by hand. (Payments, reacting to
  the same events, creates no payment intent for it: capture waits as well.)
- reject: the order is cancelled (reason "fraud"): its reservation and coupon go back through the same cancel use
  case as an expiry; payments refunds it if it was paid.

A decision that arrives after the order shipped (or ended) changes nothing but the timeline: it is too late to stop.
"""
from __future__ import annotations

import structlog

from apps.orders import domain, payloads
from apps.orders.clients import OrderClients
from apps.orders.orm import Order, utcnow
from apps.orders.use_cases import fulfilment
from apps.orders.use_cases.common import find_order, follow_items, note, set_status
from apps.orders.use_cases.transitions import cancel
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.fraud")
FRAUD_REASON = "fraud"
HOLDABLE = ("unfulfilled", "processing")  # nothing has left the warehouse yet


async def decided(*, uow: UnitOfWork, clients: OrderClients, order_no: str, decision: str, by: str) -> Order | None:
    """Apply a fraud decision (`by`: "model" or "risk team") to the order, once: the order row is locked first."""
    order = await find_order(uow, order_no, lock=True)
    if order is None:
        log.warning("orders.fraud_decision_for_unknown_order", order_no=order_no[:64])
        return None
    if order.status not in HOLDABLE:
        if decision != "approve":
            note(order, "note", f"fraud decision {decision} by {by} arrived when the order was already "
                                f"{order.status}: nothing stopped")
        return order
    if decision == "review":
        order.fraud_hold, order.fraud_decision, order.updated_at = True, "review", utcnow()
        note(order, "note", "on hold for fraud review: payment capture and fulfilment wait for the risk team")
    elif decision == "approve":
        await _release(uow, clients, order, by)
    elif decision == "reject":
        order.fraud_hold, order.fraud_decision = False, "reject"
        await cancel(uow=uow, clients=clients, order=order, reason=FRAUD_REASON,
                     text=f"rejected as fraud by {by}")
    return order


async def _release(uow: UnitOfWork, clients: OrderClients, order: Order, by: str) -> None:
    was_held = order.fraud_hold
    order.fraud_hold, order.fraud_decision = False, "approve"
    if not was_held:
        return
    note(order, "note", f"fraud review: approved by {by}; hold released")
    if order.status == "unfulfilled" and order.payment_status == "paid":
        await fulfilment.commit_stock(uow=uow, clients=clients, order=order)
        set_status(uow, order, "processing", text="paid; released from fraud review")
        uow.emit("order.paid", payloads.paid(order), key=order.order_no)
        follow_items(uow, order)
    elif order.status == "unfulfilled" and order.payment_status in ("pending", "failed"):
        # The shopper could not pay while the order was held: give them the reservation's time again.
        order.expires_at = max(order.expires_at, utcnow() + (order.expires_at - order.created_at))


def held_payment(order: Order) -> bool:
    """payment_succeeded asks: stop at "paid" (no stock commit, no processing) while the order is held."""
    if order.fraud_hold and domain.is_cancellable(order.status):
        note(order, "note", "paid while on hold for fraud review: fulfilment waits for the decision")
        return True
    return False
