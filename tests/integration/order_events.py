"""Order events exactly as kernel.contracts.orders defines them, for feeding consumers of services downstream
of orders (shipping, reviews, notifications) without driving a whole checkout."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from kernel.ids import new_id_str


def order_no() -> str:
    return f"TST-{uuid.uuid4().hex[:10].upper()}"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def line(vendor_id: str, product_id: str | None = None, *, qty: int = 1, price: int = 1500) -> dict:
    return {"sku": f"SKU-{uuid.uuid4().hex[:8].upper()}", "productId": product_id or new_id_str(),
            "vendorId": vendor_id, "qty": qty, "priceMinor": price, "lineTotalMinor": qty * price,
            "discountMinor": 0}


def _splits(lines: list[dict]) -> list[dict]:
    gross: dict[str, int] = {}
    for item in lines:
        gross[item["vendorId"]] = gross.get(item["vendorId"], 0) + item["lineTotalMinor"]
    return [{"vendorId": v, "grossMinor": g, "commissionMinor": g // 10, "netMinor": g - g // 10,
             "shippingMinor": 0} for v, g in gross.items()]


def order_created(number: str, user_id: str, lines: list[dict], *, country: str = "US") -> Envelope:
    subtotal = sum(i["lineTotalMinor"] for i in lines)
    data = contract_for("order.created").validate({
        "orderNo": number, "orderId": new_id_str(), "userId": user_id, "status": "unfulfilled",
        "paymentStatus": "pending", "currency": "USD",
        "totals": {"subtotalMinor": subtotal, "discountMinor": 0, "shippingMinor": 0, "taxMinor": 0,
                   "totalMinor": subtotal},
        "items": lines, "vendorSplits": _splits(lines),
        "shippingAddress": {"city": "Springfield", "country": country, "postalCode": "12345"},
        "expiresAt": _now() + timedelta(minutes=15), "createdAt": _now()})
    return Envelope(type="order.created", data=data)


def order_paid(number: str, user_id: str, lines: list[dict]) -> Envelope:
    data = contract_for("order.paid").validate({
        "orderNo": number, "orderId": new_id_str(), "userId": user_id,
        "totalMinor": sum(i["lineTotalMinor"] for i in lines), "currency": "USD", "vendorSplits": _splits(lines),
        "productIds": sorted({i["productId"] for i in lines}), "paidAt": _now()})
    return Envelope(type="order.paid", data=data)


def order_delivered(number: str, user_id: str, lines: list[dict]) -> Envelope:
    data = contract_for("order.delivered").validate({
        "orderNo": number, "userId": user_id, "productIds": sorted({i["productId"] for i in lines}),
        "vendorIds": sorted({i["vendorId"] for i in lines}), "deliveredAt": _now()})
    return Envelope(type="order.delivered", data=data)


async def feed(app, *events: Envelope) -> None:
    """Hand events to a service's consumer as Kafka delivery would (inbox included)."""
    for event in events:
        assert await app.state.consumer.handle(event.to_json()), f"{event.type} was not handled"
