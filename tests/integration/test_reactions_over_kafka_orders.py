"""Reactions to order, payment, shipping and review events, over the real broker. A shopper's order is paid through
the simulated provider, labelled, delivered, reviewed (the review approved, then taken down), returned and
refunded; another order's payment fails and the order is cancelled. Everything goes through the public API with a
client that hands nothing over (tests/kafka_helpers.broker_only), so each step that waits on another service (the
intent waits for payments to know the order, the label for shipping, the review for reviews) waits on a Kafka
delivery; at the end each declared reaction is proven by the consuming service's inbox row for this flow's event."""
from __future__ import annotations

import uuid

import pytest

from simulator.api import bearer, call, eventually, ok
from simulator.flows import active_product, add_to_cart, approved_vendor, new_user
from tests.integration.orders_helpers import ORDER_BODY
from tests.integration.reactions_bus import assert_reactions, bus, started  # noqa: F401 - bus is a fixture

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
async def shop(bus, admin_token) -> dict:
    """An approved vendor with one active, stocked product, set up over the broker too."""
    vendor = await approved_vendor(bus, admin_token)
    product = await active_product(bus, admin_token, vendor, price_minor=2_500, stock=20, weight_grams=800)
    return {"vendor": vendor, "product": product}


async def _placed_order(bus, shop: dict, prefix: str) -> tuple[dict, str]:
    """A new shopper's order of one unit; placing waits for cart and orders to know the product and vendor."""
    shopper = await new_user(bus, prefix)
    await add_to_cart(bus, shopper, shop["product"]["sku"], 1)
    placed = await eventually(
        lambda: call(bus, "POST", "/v1/orders", token=shopper["accessToken"], json=ORDER_BODY,
                     headers={"Idempotency-Key": uuid.uuid4().hex}),
        lambda r: r.status_code == 201, what="orders to accept the order")
    return shopper, placed.json()["orderNo"]


async def _intent(bus, shopper: dict, number: str) -> dict:
    """Waits for payments ← order.created (the intent needs the order's amount)."""
    resp = await eventually(
        lambda: call(bus, "POST", "/v1/payments/intent", token=shopper["accessToken"], json={"orderNo": number},
                     headers={"Idempotency-Key": uuid.uuid4().hex}),
        lambda r: r.status_code == 201, what="payments to know the order")
    return resp.json()


async def _order(bus, shopper: dict, number: str, until, what: str) -> dict:
    resp = await eventually(lambda: call(bus, "GET", f"/v1/orders/{number}", token=shopper["accessToken"]),
                            lambda r: r.status_code == 200 and until(r.json()), what=what)
    return resp.json()


@pytest.mark.reaction("orders", "payment.succeeded", "shipping.label.created", "shipping.delivered",
                      "payment.refunded", "fraud.decided")
@pytest.mark.reaction("payments", "order.created", "order.paid", "order.payment_status_changed",
                      "order.status_changed", "order.delivered", "order.return_requested", "fraud.decided")
@pytest.mark.reaction("reviews", "order.created", "order.paid", "order.delivered")
@pytest.mark.reaction("shipping", "order.created", "order.paid")
@pytest.mark.reaction("notifications", "order.created", "shipping.label.created", "payment.refunded")
@pytest.mark.reaction("inventory", "order.returned")
@pytest.mark.reaction("catalog", "review.approved", "review.rejected")
@pytest.mark.reaction("search", "order.paid", "review.approved", "review.rejected", "inventory.reserved")
@pytest.mark.reaction("serving", "user.created", "order.created", "order.paid", "payment.intent.created",
                      "payment.succeeded", "inventory.reserved")
async def test_paid_order_to_refund_reactions_over_kafka(request, gateway, bus, shop, admin_token):
    since = started()
    vendor, product = shop["vendor"], shop["product"]
    shopper, number = await _placed_order(bus, shop, "rx-paid")
    intent = await _intent(bus, shopper, number)
    ok(await call(bus, "POST", f"/v1/payments/simulate/{intent['intentId']}", token=shopper["accessToken"],
                  json={"outcome": "succeeded"}), 200)
    await _order(bus, shopper, number, lambda o: o.get("paymentStatus") == "paid", "orders ← payment.succeeded")

    label = await eventually(
        lambda: call(bus, "POST", "/v1/shipping/labels", token=vendor["token"],
                     json={"orderNo": number, "vendorId": vendor["id"], "serviceLevel": "express"}),
        lambda r: r.status_code == 201, what="shipping to know the paid order")
    tracking = label.json()["trackingNo"]
    for status in ("in_transit", "out_for_delivery", "delivered"):
        ok(await call(bus, "POST", f"/v1/shipping/track/{tracking}/events", token=admin_token,
                      json={"status": status}), 201)
    await _order(bus, shopper, number, lambda o: o.get("status") == "delivered", "orders ← shipping.delivered")

    review = await eventually(
        lambda: call(bus, "POST", "/v1/reviews", token=shopper["accessToken"],
                     json={"productId": product["id"], "orderNo": number, "rating": 5, "title": "Over Kafka"}),
        lambda r: r.status_code == 201, what="reviews to know the delivered purchase")
    moderate = f"/v1/admin/reviews/{review.json()['id']}"
    ok(await call(bus, "PATCH", moderate, token=admin_token, json={"isApproved": True}), 200)
    ok(await call(bus, "PATCH", moderate, token=admin_token, json={"isApproved": False, "reason": "spam"}), 200)

    rma = ok(await call(bus, "POST", f"/v1/orders/{number}/returns", token=shopper["accessToken"],
                        json={"items": [{"sku": product["sku"], "qty": 1}], "reason": "arrived dented"}), 201)
    rma_id = rma.get("rmaId") or rma["id"]
    for status in ("approved", "received"):
        ok(await call(bus, "PATCH", f"/v1/admin/returns/{rma_id}", token=admin_token, json={"status": status}), 200)
    # payments learns of the return from order.return_requested: until then the refund is a 422 that writes nothing.
    ok(await eventually(lambda: call(bus, "POST", f"/v1/admin/orders/{number}/refunds", token=admin_token,
                                     json={"amountMinor": 2_500, "reason": "returned", "rmaId": rma_id}),
                        lambda r: r.status_code != 422, what="payments to know the return"), 201)

    await assert_reactions(request, gateway, since, [number, shopper["userId"], review.json()["id"]])


@pytest.mark.reaction("orders", "payment.failed")
@pytest.mark.reaction("payments", "order.cancelled")
@pytest.mark.reaction("reviews", "order.cancelled")
@pytest.mark.reaction("shipping", "order.cancelled")
@pytest.mark.reaction("search", "inventory.released")
@pytest.mark.reaction("serving", "payment.failed", "inventory.released")
async def test_failed_payment_and_cancel_reactions_over_kafka(request, gateway, bus, shop, admin_token):
    since = started()
    shopper, number = await _placed_order(bus, shop, "rx-failed")
    intent = await _intent(bus, shopper, number)
    ok(await call(bus, "POST", f"/v1/payments/simulate/{intent['intentId']}", token=shopper["accessToken"],
                  json={"outcome": "failed"}), 200)
    await _order(bus, shopper, number, lambda o: o.get("paymentStatus") == "failed", "orders ← payment.failed")
    ok(await call(bus, "PATCH", f"/v1/admin/orders/{number}/status", token=admin_token,
                  json={"status": "cancelled", "note": "payment failed"}), 200)
    await assert_reactions(request, gateway, since, [number])
