"""Orders, as payments keeps them: fed by order.* events, or by orders' internal API when a shopper asks to pay
before order.created has arrived. Both sources carry the public order shape, parsed by one function."""
from __future__ import annotations

from typing import Any

from apps.payments.orm import ORDER_NO_MAX, OrderProjection
from apps.payments.repository import PaymentRepository
from kernel.clock import utcnow
from kernel.uow import UnitOfWork


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def snapshot(data: dict[str, Any]) -> dict[str, Any] | None:
    """Projection columns from an order.created payload or an orders API answer; None if unusable."""
    order_no, user_id = data.get("orderNo"), data.get("userId")
    if not isinstance(order_no, str) or not order_no or len(order_no) > ORDER_NO_MAX or not user_id:
        return None
    raw_totals = data.get("totals")
    totals: dict[str, Any] = raw_totals if isinstance(raw_totals, dict) else {}
    total = _int(totals.get("totalMinor"), _int(data.get("totalMinor"), -1))
    if total < 0:
        return None
    currency = str(data.get("currency") or totals.get("currency") or "USD")[:3].upper()
    items = [i for i in data.get("items") or [] if isinstance(i, dict)]
    splits = [s for s in data.get("vendorSplits") or [] if isinstance(s, dict)]
    return {"order_no": order_no, "order_id": str(data.get("orderId") or data.get("id") or "")[:64] or None,
            "user_id": str(user_id)[:64], "status": str(data.get("status") or "unfulfilled")[:32],
            "payment_status": str(data.get("paymentStatus") or "pending")[:32], "currency": currency,
            "total_minor": total, "items": items, "vendor_splits": splits}


async def record(uow: UnitOfWork, data: dict[str, Any]) -> bool:
    """Insert the order unless known (the first source wins; later changes come as their own events)."""
    values = snapshot(data)
    if values is None:
        return False
    now = utcnow()
    await uow.repository(PaymentRepository).record_order({**values, "created_at": now, "updated_at": now})
    return True


async def get(uow: UnitOfWork, order_no: str, *, lock: bool = False) -> OrderProjection | None:
    if not order_no or len(order_no) > ORDER_NO_MAX:
        return None
    return await uow.repository(PaymentRepository).order(order_no, lock=lock)


async def update(uow: UnitOfWork, order_no: str, **changes: Any) -> OrderProjection | None:
    order = await get(uow, order_no, lock=True)
    if order is None:
        return None
    for name, value in changes.items():
        setattr(order, name, value)
    order.updated_at = utcnow()
    return order
