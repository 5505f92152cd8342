"""Serving's fraud projections: orders as placed (device, IP, card, address), accounts with their creation time, and
payment events that arrive before their order. Written inside the consumer's unit of work."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from apps.serving.orm.fraud import FraudAccount, FraudOrder, FraudPendingPayment
from kernel.uow import UnitOfWork



def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _when(value: Any, default: datetime) -> datetime:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else default
    except ValueError:
        return default
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _short(value: Any, n: int) -> str | None:
    return str(value)[:n] if value else None


def order_values(data: dict[str, Any], default_at: datetime) -> dict[str, Any] | None:
    """Projection columns from an order.created payload; None when it names no order or no user."""
    order_no, user_id = data.get("orderNo"), data.get("userId")
    if not order_no or not user_id or len(str(order_no)) > 64:
        return None
    totals = data.get("totals") if isinstance(data.get("totals"), dict) else {}
    address = data.get("shippingAddress") if isinstance(data.get("shippingAddress"), dict) else {}
    country = _short(address.get("country"), 2)
    postal = str(address.get("postalCode") or "").upper()
    items = [{"sku": i.get("sku"), "productId": i.get("productId"), "vendorId": i.get("vendorId"),
              "qty": i.get("qty"), "priceMinor": i.get("priceMinor")}
             for i in data.get("items") or [] if isinstance(i, dict)]
    return {"order_no": str(order_no), "user_id": str(user_id)[:64], "device_id": _short(data.get("deviceId"), 64),
            "ip": _short(data.get("ip"), 45), "ip_country": _short(data.get("ipCountry"), 2),
            "ship_country": country, "address_key": f"{country}|{postal}"[:80] if country else None,
            "total_minor": int(totals.get("totalMinor") or 0), "currency": str(data.get("currency") or "USD")[:3],
            "item_count": sum(int(i.get("qty") or 0) for i in items), "items": items,
            "created_at": _when(data.get("createdAt"), default_at)}


async def record_order(uow: UnitOfWork, data: dict[str, Any], at: datetime) -> tuple[FraudOrder | None, bool]:
    """The order projected, and whether its checkout is already complete (its card or its capture came first)."""
    values = order_values(data, at)
    if values is None:
        return None, False
    await uow.session.execute(insert(FraudOrder).values(**values).on_conflict_do_nothing())
    order = await uow.session.get(FraudOrder, values["order_no"], populate_existing=True, with_for_update=True)
    pending = await uow.session.get(FraudPendingPayment, order.order_no, with_for_update=True)
    if pending is None:
        return order, order.card_fingerprint is not None
    if pending.card_fingerprint and not order.card_fingerprint:
        order.card_fingerprint, order.card_country = pending.card_fingerprint, pending.card_country
    paid = pending.paid
    await uow.session.delete(pending)
    return order, order.card_fingerprint is not None or paid


async def record_account(uow: UnitOfWork, data: dict[str, Any], at: datetime) -> None:
    if not data.get("userId"):
        return
    await uow.session.execute(insert(FraudAccount).values(
        user_id=str(data["userId"])[:64], created_at=_when(data.get("createdAt"), at)).on_conflict_do_nothing())


async def record_card(uow: UnitOfWork, data: dict[str, Any]) -> tuple[FraudOrder | None, bool]:
    """The order of a payment event, and whether it learnt its card now (the first card presented for it)."""
    order_no = str(data.get("orderNo") or "")[:64]
    order = await uow.session.get(FraudOrder, order_no, with_for_update=True) if order_no else None
    fingerprint = data.get("cardFingerprint")
    if order is None and order_no:
        await _remember_payment(uow, order_no, data)
    if order is None or not fingerprint or order.card_fingerprint:
        return order, False
    order.card_fingerprint, order.card_country = str(fingerprint)[:64], _short(data.get("cardCountry"), 2)
    return order, True


async def _remember_payment(uow: UnitOfWork, order_no: str, data: dict[str, Any]) -> None:
    """A payment event ahead of its order.created: keep its card (the first one) and whether the payment landed."""
    card, paid = data.get("cardFingerprint"), data.get("succeededAt") is not None
    values = {"order_no": order_no, "card_fingerprint": str(card)[:64] if card else None,
              "card_country": _short(data.get("cardCountry"), 2) if card else None, "paid": paid}
    update: dict[str, Any] = {"paid": FraudPendingPayment.paid | paid}
    if card:
        update["card_fingerprint"] = func.coalesce(FraudPendingPayment.card_fingerprint, values["card_fingerprint"])
        update["card_country"] = func.coalesce(FraudPendingPayment.card_country, values["card_country"])
    await uow.session.execute(insert(FraudPendingPayment).values(**values)
                              .on_conflict_do_update(index_elements=["order_no"], set_=update))
