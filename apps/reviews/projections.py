"""Purchases, as reviews keeps them (its projection of orders): which user bought which products in which order,
and whether it was paid or delivered. Fed by order events (consumers.py) and, for an order whose events have not
arrived yet, by the orders service's internal API (clients.py); both go through `apply`, so they merge the same
way."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from apps.reviews import domain
from apps.reviews.orm import Purchase, PurchaseItem
from apps.reviews.repository import ReviewRepository
from kernel.uow import UnitOfWork


@dataclass(frozen=True)
class PurchaseFacts:
    order_no: str
    status: str
    user_id: str | None = None
    items: dict[str, str | None] = field(default_factory=dict)  # productId → sku
    at: datetime | None = None


def facts_from(doc: dict[str, Any], *, status: str | None = None, at: datetime | None = None) -> PurchaseFacts:
    """From an order event payload or the orders API's order document (the same field names)."""
    # order.created and the orders API list items; order.paid / order.delivered carry productIds.
    items: dict[str, str | None] = {str(p)[:64].lower(): None for p in doc.get("productIds") or [] if p}
    items.update({str(i["productId"])[:64].lower(): (str(i["sku"])[:64] if i.get("sku") else None)
                  for i in doc.get("items") or [] if isinstance(i, dict) and i.get("productId")})
    return PurchaseFacts(order_no=str(doc.get("orderNo"))[:64], status=status or status_of(doc),
                         user_id=str(doc["userId"])[:64] if doc.get("userId") else None, items=items, at=at)


def status_of(doc: dict[str, Any]) -> str:
    if doc.get("status") == "cancelled":
        return "cancelled"
    if doc.get("status") == "delivered":
        return "delivered"
    if doc.get("paymentStatus") in ("paid", "partial") or doc.get("status") in ("processing", "shipped"):
        return "paid"
    return "pending"


async def apply(uow: UnitOfWork, facts: PurchaseFacts) -> Purchase:
    rows = uow.repository(ReviewRepository)
    row = await rows.lock_purchase(facts.order_no, status=facts.status)
    row.status = domain.next_purchase_status(row.status, facts.status)
    row.user_id = row.user_id or facts.user_id
    if facts.status == "paid" and row.paid_at is None:
        row.paid_at = facts.at
    if facts.status == "delivered" and row.delivered_at is None:
        row.delivered_at = facts.at
    known = {item.product_id for item in row.items}
    for product_id, sku in facts.items.items():
        if product_id not in known:
            row.items.append(PurchaseItem(order_no=row.order_no, product_id=product_id, sku=sku))
    await rows.flush()
    return row
