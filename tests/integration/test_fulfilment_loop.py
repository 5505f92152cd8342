"""The fulfilment half of the loop with every service in play: a shopper's real order is paid through the
simulated provider's signed webhook, its vendor buys a label, the carrier moves it to delivered, orders follows,
the shopper reviews (a stranger may not), and the confirmation and shipped mails reach the SMTP sink.

Events are handed from each producer's outbox to the in-process consumers right away (tests/flows.py
`deliver_now`, the envelopes Kafka carries), because the shared local broker's rebalances can hold them."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from deploy.local.mailbox import wait_for_message
from tests.flows import active_product, approved_vendor, bearer, deliver_now, eventually, new_user
from tests.integration.orders_helpers import add_to_cart, place, vendor_projected

pytestmark = pytest.mark.timeout(300)


async def _paid_order(client, gateway, admin_token) -> tuple[dict, dict, dict, str]:
    vendor = await approved_vendor(client, admin_token)
    product = await active_product(client, admin_token, vendor, price_minor=2_500, stock=5, weight_grams=800)
    await vendor_projected(gateway, vendor["id"])
    shopper = await new_user(client, prefix="loop-shopper")
    who = {"userId": shopper["userId"], "headers": bearer(shopper["accessToken"])}
    await add_to_cart(client, who, product["sku"], 1)
    placed = await place(client, who)
    assert placed.status_code == 201, placed.text
    number = placed.json()["orderNo"]
    await deliver_now(client, "orders", number)
    intent = await client.post("/v1/payments/intent", json={"orderNo": number},
                               headers={**who["headers"], "Idempotency-Key": uuid.uuid4().hex})
    assert intent.status_code == 201, intent.text
    sim = await client.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"},
                            headers=who["headers"])
    assert sim.status_code == 200, sim.text
    await deliver_now(client, "payments", number)
    await eventually(lambda: client.get(f"/v1/orders/{number}", headers=who["headers"]),
                     lambda r: r.json().get("paymentStatus") == "paid", what="orders to see the payment")
    await deliver_now(client, "orders", number)
    return vendor, product, {**shopper, "headers": who["headers"]}, number


async def _forget(gateway, service: str, table: str, number: str) -> None:
    """Drop a projection row, as if the order's events had not reached `service` yet."""
    async with gateway.state.services[service].state.db.engine.begin() as conn:
        await conn.execute(text(f"DELETE FROM {table} WHERE order_no = :n"), {"n": number})


async def test_paid_order_ships_delivers_and_gets_reviewed(client, gateway, admin_token, customer):
    vendor, product, shopper, number = await _paid_order(client, gateway, admin_token)
    await _forget(gateway, "shipping", "order_projection", number)  # the label must then ask orders itself
    label = await client.post("/v1/shipping/labels", json={"orderNo": number, "vendorId": vendor["id"],
                                                          "serviceLevel": "express"},
                              headers=bearer(vendor["token"]))
    assert label.status_code == 201, label.text
    tracking = label.json()["trackingNo"]
    await deliver_now(client, "shipping", number)
    carrier = bearer(admin_token)  # staff post carrier updates through the edge; the internal token never passes it
    for status in ("in_transit", "out_for_delivery", "delivered"):
        resp = await client.post(f"/v1/shipping/track/{tracking}/events", json={"status": status}, headers=carrier)
        assert resp.status_code == 201, resp.text
    await deliver_now(client, "shipping", number)
    order = await eventually(lambda: client.get(f"/v1/orders/{number}", headers=shopper["headers"]),
                             lambda r: r.json().get("status") == "delivered", what="orders to see the delivery")
    assert order.json()["paymentStatus"] == "paid"

    await _forget(gateway, "reviews", "purchases", number)  # so must the review
    review = {"productId": product["id"], "orderNo": number, "rating": 4, "title": "Solid"}
    stranger = await client.post("/v1/reviews", json=review, headers=bearer(customer["accessToken"]))
    assert stranger.status_code == 403
    mine = await client.post("/v1/reviews", json=review, headers=shopper["headers"])
    assert mine.status_code == 201, mine.text
    assert (await client.post("/v1/reviews", json=review, headers=shopper["headers"])).status_code == 409

    for subject in (f"Your order {number} is confirmed", f"Your order {number} has shipped"):
        mail = await asyncio.to_thread(wait_for_message, lambda m, s=subject: m["To"] == shopper["email"]
                                       and m["Subject"] == s, timeout=60)
        assert number in mail.get_body(("plain",)).get_content()
