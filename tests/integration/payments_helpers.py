"""Helpers for the payments tests: orders fed to the payments consumer as the orders service would publish them,
minted staff/vendor tokens, signed webhook deliveries and reads of the payments outbox."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select

from apps.payments.orm import Earning, PaymentIntent, ProviderEvent, Refund
from apps.payments.providers import signature
from apps.payments.providers.simulated import event, intent_object
from kernel.events import Envelope
from kernel.ids import new_id_str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def payments_app(gateway):
    return gateway.state.services["payments"]


def mint(gateway, *roles: str, vendor_id: str | None = None, user_id: str | None = None) -> str:
    issuer = gateway.state.services["auth"].state.issuer
    return issuer.access_token(user_id=user_id or new_id_str(), roles=list(roles), vendor_id=vendor_id)


def order_created(user_id: str, *, lines: list[tuple[str, str, int, int]], shipping_minor: int = 500,
                  commission_bps: int = 1000, order_no: str | None = None) -> dict[str, Any]:
    """An order.created payload; lines are (vendorId, sku, qty, priceMinor). Commission is a percent of gross."""
    order_no = order_no or f"TST-{uuid.uuid4().hex[:12].upper()}"
    items = [{"sku": sku, "productId": new_id_str(), "vendorId": vendor, "qty": qty, "priceMinor": price,
              "lineTotalMinor": qty * price, "discountMinor": 0, "categoryIds": []}
             for vendor, sku, qty, price in lines]
    gross: dict[str, int] = {}
    for item in items:
        gross[item["vendorId"]] = gross.get(item["vendorId"], 0) + item["lineTotalMinor"]
    splits = [{"vendorId": v, "grossMinor": g, "commissionMinor": g * commission_bps // 10_000,
               "netMinor": g - g * commission_bps // 10_000, "shippingMinor": 0, "taxMinor": 0,
               "discountMinor": 0, "commissionType": "percent", "commissionValue": commission_bps}
              for v, g in gross.items()]
    if splits:
        splits[0]["shippingMinor"] = shipping_minor
    subtotal = sum(gross.values())
    now = datetime.now(timezone.utc)
    return {"orderNo": order_no, "orderId": new_id_str(), "userId": user_id, "status": "unfulfilled",
            "paymentStatus": "pending", "currency": "USD",
            "totals": {"subtotalMinor": subtotal, "discountMinor": 0, "shippingMinor": shipping_minor,
                       "taxMinor": 0, "totalMinor": subtotal + shipping_minor},
            "items": items, "vendorSplits": splits, "couponCode": None, "shippingMethod": "standard",
            "shippingAddress": {"city": "Lisbon", "country": "PT", "postalCode": "1000-001"},
            "reservationId": new_id_str(), "expiresAt": now + timedelta(minutes=15), "createdAt": now}


def order_paid(created: dict[str, Any]) -> dict[str, Any]:
    return {"orderNo": created["orderNo"], "orderId": created["orderId"], "userId": created["userId"],
            "totalMinor": created["totals"]["totalMinor"], "currency": created["currency"],
            "vendorSplits": created["vendorSplits"], "productIds": [], "paymentId": None,
            "paidAt": datetime.now(timezone.utc)}


async def feed(gateway, event_type: str, data: dict[str, Any]) -> Envelope:
    """Deliver one event to the payments consumer exactly as Kafka would (through its inbox)."""
    from kernel.contracts.registry import contract_for

    env = Envelope(type=event_type, data=contract_for(event_type).validate(data))
    assert await payments_app(gateway).state.consumer.handle(env.to_json()), f"{event_type} was not handled"
    return env


async def outbox(gateway, *, key: str, event_type: str) -> list[dict]:
    app = payments_app(gateway)
    table = app.state.outbox
    async with app.state.db.sessions() as session:
        rows = await session.execute(select(table.c.payload).where(table.c.key == key,
                                                                   table.c.event_type == event_type)
                                     .order_by(table.c.seq))
        return [r.payload["data"] for r in rows]


async def rows(gateway, model, *where) -> list:
    async with payments_app(gateway).state.db.sessions() as session:
        return list((await session.scalars(select(model).where(*where))).all())


async def intents_of(gateway, order_no: str) -> list[PaymentIntent]:
    return await rows(gateway, PaymentIntent, PaymentIntent.order_no == order_no)


async def earnings_of(gateway, order_no: str) -> dict[str, Earning]:
    return {e.vendor_id: e for e in await rows(gateway, Earning, Earning.order_no == order_no)}


async def refunds_of(gateway, order_no: str) -> list[Refund]:
    return await rows(gateway, Refund, Refund.order_no == order_no)


async def provider_event(gateway, event_id: str) -> ProviderEvent | None:
    found = await rows(gateway, ProviderEvent, ProviderEvent.id == event_id)
    return found[0] if found else None


def secret(gateway) -> str:
    return payments_app(gateway).state.settings.webhook_secret


def signed(gateway, body: dict[str, Any], *, age: int = 0, secret_override: str | None = None) -> tuple[bytes, dict]:
    import json

    payload = json.dumps(body, separators=(",", ":")).encode()
    head = signature.header(payload, secret_override or secret(gateway), int(time.time()) - age)
    return payload, {"Stripe-Signature": head, "Content-Type": "application/json"}


def succeeded_event(intent: dict[str, Any], *, amount: int | None = None) -> dict[str, Any]:
    return event("payment_intent.succeeded", intent_object(
        intent["intentId"], amount_minor=intent["amountMinor"] if amount is None else amount,
        currency=intent["currency"], order_no=intent["orderNo"], status="succeeded"))


async def deliver(client, gateway, body: dict[str, Any], **kw):
    payload, headers = signed(gateway, body, **kw)
    return await client.post("/v1/payments/webhook", content=payload, headers=headers)


async def new_order(client, gateway, shopper: dict, *, lines: list[tuple[str, str, int, int]] | None = None,
                    shipping_minor: int = 500) -> dict[str, Any]:
    lines = lines or [(new_id_str(), f"SKU-{uuid.uuid4().hex[:8]}", 2, 1_500)]
    created = order_created(shopper["userId"], lines=lines, shipping_minor=shipping_minor)
    await feed(gateway, "order.created", created)
    return created


async def intent_for(client, shopper: dict, order_no: str, *, idem: str | None = None):
    return await client.post("/v1/payments/intent", json={"orderNo": order_no},
                             headers={**bearer(shopper["accessToken"]), "Idempotency-Key": idem or uuid.uuid4().hex})


async def paid_order(client, gateway, shopper: dict, **kw) -> tuple[dict[str, Any], dict[str, Any]]:
    """An order paid through the simulator (signed webhook) and its order.paid fed: (order.created, intent)."""
    created = await new_order(client, gateway, shopper, **kw)
    resp = await intent_for(client, shopper, created["orderNo"])
    assert resp.status_code == 201, resp.text
    intent = resp.json()
    sim = await client.post(f"/v1/payments/simulate/{intent['intentId']}", json={"outcome": "succeeded"},
                            headers=bearer(shopper["accessToken"]))
    assert sim.status_code == 200 and sim.json()["webhook"]["outcome"] == "succeeded", sim.text
    await feed(gateway, "order.paid", order_paid(created))
    return created, intent


async def hand_over(gateway, source: str, target: str, *, event_type: str, key: str) -> dict[str, Any]:
    """Deliver `source`'s outboxed event (the exact envelope the relay publishes) to `target`'s consumer now.

    The shared local broker may be far behind when other suites flood it; Kafka still delivers the same event
    later and the target's inbox skips it. Returns the event's data.
    """
    import json

    app = gateway.state.services[source]
    table = app.state.outbox
    async with app.state.db.sessions() as session:
        row = (await session.execute(select(table.c.payload).where(table.c.key == key,
                                                                   table.c.event_type == event_type)
                                     .order_by(table.c.seq.desc()).limit(1))).first()
    assert row is not None, f"{source} has no {event_type} for {key}"
    await gateway.state.services[target].state.consumer.handle(json.dumps(row.payload).encode())
    return row.payload["data"]
