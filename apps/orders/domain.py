"""Pure order rules: the status and payment-status machines, item fulfilment, expiry, returns arithmetic.
No IO: use cases load and lock the rows, ask these functions, then write what they answer."""
from __future__ import annotations

from datetime import datetime

from apps.orders.exceptions import IllegalTransition, InvalidReturn, NotReturnable

STATUSES = ("unfulfilled", "processing", "shipped", "delivered", "cancelled", "returned")
PAYMENT_STATUSES = ("pending", "paid", "failed", "refunded", "partial")
ITEM_STATUSES = ("pending", "shipped", "delivered")
RETURN_STATUSES = ("requested", "approved", "received", "rejected")
SHIPPING_METHODS = ("standard", "express")

# unfulfilled → processing → shipped → delivered; cancelled before shipment; returned only after delivery.
TRANSITIONS: dict[str, frozenset[str]] = {
    "unfulfilled": frozenset({"processing", "cancelled"}),
    "processing": frozenset({"shipped", "cancelled"}),
    "shipped": frozenset({"delivered"}),
    "delivered": frozenset({"returned"}),
    "cancelled": frozenset(),
    "returned": frozenset(),
}
# failed → paid: a provider may still settle an intent we saw fail; refunds only after money came in.
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"paid", "failed"}),
    "failed": frozenset({"paid"}),
    "paid": frozenset({"partial", "refunded"}),
    "partial": frozenset({"partial", "refunded"}),
    "refunded": frozenset(),
}
RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"approved", "rejected"}),
    "approved": frozenset({"received", "rejected"}),
    "received": frozenset(),
    "rejected": frozenset(),
}
# Statuses an admin may set by hand; "returned" only comes from a received RMA.
ADMIN_TARGETS = ("processing", "shipped", "delivered", "cancelled")


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    if not can_transition(current, target):
        raise IllegalTransition(f"An order cannot go from {current} to {target}.",
                                errors=[{"field": "status", "message": f"allowed from {current}: "
                                         f"{sorted(TRANSITIONS.get(current, ())) or 'none'}"}])


def check_payment_transition(current: str, target: str) -> None:
    if target not in PAYMENT_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(f"Payment status cannot go from {current} to {target}.")


def check_return_transition(current: str, target: str) -> None:
    if target not in RETURN_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(f"A return cannot go from {current} to {target}.")


def check_not_held(*, order_no: str, fraud_hold: bool, action: str) -> None:
    """Fulfilment guard: an order on hold for fraud review waits for the risk team (409 otherwise)."""
    if fraud_hold:
        raise IllegalTransition(f"Order {order_no} is on hold for fraud review: it cannot {action} until the risk "
                                "team decides.")


def is_cancellable(status: str) -> bool:
    return can_transition(status, "cancelled")


def is_expired(*, status: str, payment_status: str, expires_at: datetime, now: datetime) -> bool:
    """An order the TTL sweeper cancels: still waiting for its first payment past the reservation's expiry."""
    return status == "unfulfilled" and payment_status in ("pending", "failed") and expires_at <= now


def payment_status_after_refund(*, total_minor: int, refunded_minor: int) -> str:
    return "refunded" if refunded_minor >= total_minor else "partial"


def order_status_after_items(current: str, item_statuses: list[str]) -> str | None:
    """The order status its items now imply (None: unchanged): every item shipped → shipped, every item
    delivered → delivered. Only moves forward along the machine."""
    if item_statuses and all(s == "delivered" for s in item_statuses) and current in ("processing", "shipped"):
        return "delivered"
    if item_statuses and all(s in ("shipped", "delivered") for s in item_statuses) and current == "processing":
        return "shipped"
    return None


def path_to(current: str, target: str) -> list[str]:
    """The legal steps from current to a later fulfilment status (processing → shipped → delivered), so a
    delivery reported before its shipment still leaves a complete timeline."""
    order = ("processing", "shipped", "delivered")
    if current not in order or target not in order or order.index(target) <= order.index(current):
        return []
    return list(order[order.index(current) + 1: order.index(target) + 1])


def check_returnable(status: str) -> None:
    if status != "delivered":
        raise NotReturnable(f"Only delivered orders can be returned; this one is {status}.")


def check_return_qty(*, sku: str, qty: int, bought: int, already_returned: int) -> None:
    if qty < 1 or qty > bought - already_returned:
        raise InvalidReturn(f"{sku}: at most {bought - already_returned} more unit(s) can be returned.",
                            errors=[{"field": "items", "message": f"{sku}: qty {qty} > returnable "
                                     f"{bought - already_returned}"}])


def return_amount(*, line_net_minor: int, bought: int, returned_before: int, qty: int) -> int:
    """Refundable amount of `qty` more units of a line worth `line_net_minor` (after its discount) for `bought`
    units. Cumulative floor, so returning every unit, in any number of RMAs, gives back exactly the line."""
    before = line_net_minor * returned_before // bought
    after = line_net_minor * (returned_before + qty) // bought
    return after - before


def format_order_no(prefix: str, number: int, digits: int) -> str:
    return f"{prefix}{number:0{digits}d}"
