"""Orders, as shipping keeps them: which orders are paid, whose items they hold, where they go.

Fed by order events (consumers.py) and, when a vendor asks for a label before the event arrived, by the orders
service's internal API (clients.py). Status only moves forward (pending → paid → cancelled), so a late or replayed
event never reopens a cancelled order nor un-pays a paid one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.shipping.orm import OrderProjection
from apps.shipping.repository import ShippingRepository
from kernel.uow import UnitOfWork

_RANK = {"pending": 0, "paid": 1, "cancelled": 2}
PAID_PAYMENT_STATUSES = ("paid", "partial")
PAID_ORDER_STATUSES = ("processing", "shipped", "delivered")


@dataclass(frozen=True)
class OrderFacts:
    order_no: str
    status: str
    user_id: str | None = None
    vendor_ids: frozenset[str] = field(default_factory=frozenset)
    country: str | None = None
    postal_code: str | None = None
    city: str | None = None


def facts_from(doc: dict[str, Any], *, status: str | None = None) -> OrderFacts:
    """From an order event payload or the orders API's order document (the same field names)."""
    if status is None:
        status = _status_of(doc)
    vendors = {str(i.get("vendorId")) for i in doc.get("items") or [] if isinstance(i, dict) and i.get("vendorId")}
    vendors |= {str(s.get("vendorId")) for s in doc.get("vendorSplits") or []
                if isinstance(s, dict) and s.get("vendorId")}
    address = doc.get("shippingAddress") if isinstance(doc.get("shippingAddress"), dict) else {}
    country = str(address.get("country") or "").upper()[:2] or None
    return OrderFacts(order_no=str(doc.get("orderNo"))[:64], status=status,
                      user_id=str(doc["userId"])[:64] if doc.get("userId") else None, vendor_ids=frozenset(vendors),
                      country=country, postal_code=_cut(address.get("postalCode"), 20),
                      city=_cut(address.get("city"), 120))


def _status_of(doc: dict[str, Any]) -> str:
    if doc.get("status") == "cancelled":
        return "cancelled"
    if doc.get("paymentStatus") in PAID_PAYMENT_STATUSES or doc.get("status") in PAID_ORDER_STATUSES:
        return "paid"
    return "pending"


def _cut(value: Any, size: int) -> str | None:
    return str(value)[:size] if value else None


def from_row(row: OrderProjection) -> OrderFacts:
    return OrderFacts(row.order_no, row.status, row.user_id, frozenset(row.vendor_ids or ()), row.country,
                      row.postal_code, row.city)


async def apply(uow: UnitOfWork, facts: OrderFacts) -> OrderProjection:
    """Upsert, merging what is already known: vendors accumulate, the address is kept once known."""
    rows = uow.repository(ShippingRepository)
    row = await rows.lock_order(facts.order_no, status=facts.status)
    if _RANK.get(facts.status, 0) > _RANK.get(row.status, 0):
        row.status = facts.status
    row.vendor_ids = sorted(set(row.vendor_ids or ()) | facts.vendor_ids)
    row.user_id = row.user_id or facts.user_id
    if facts.country and not row.country:
        row.country, row.postal_code, row.city = facts.country, facts.postal_code, facts.city
    await rows.flush()
    return row
