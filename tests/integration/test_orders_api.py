"""Checkout and orders through the gateway with the real cart, coupons, inventory and profiles: one order end to
end with vendor splits, Idempotency-Key replays (also racing), 30 shoppers racing for the last units, the TTL
sweep giving stock back, and who may see what."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from apps.orders.sweeper import sweep_app
from tests.flows import bearer, eventually
from tests.integration.orders_helpers import (
    ADDRESS,
    ORDER_BODY,
    add_to_cart,
    events,
    execute,
    key,
    orders_app,
    place,
    rows,
    shop,  # noqa: F401 - the module's shared fixture
    shopper,
    stock,
)

pytestmark = pytest.mark.timeout(180)


async def test_place_order_end_to_end(client, gateway, admin_token, shop):
    who = shopper(gateway)
    await add_to_cart(client, who, shop["a"]["sku"], 2)
    await add_to_cart(client, who, shop["b"]["sku"], 1)
    summary = await client.post("/v1/checkout/summary", headers=who["headers"], json={
        "shippingMethod": "standard", "destination": {"country": "GB", "postalCode": "N1 9GU"}})
    assert summary.status_code == 200, summary.text
    before = await stock(client, shop["a"]["sku"])
    headers = key()

    resp = await place(client, who, headers=headers)
    assert resp.status_code == 201, resp.text
    order = resp.json()
    assert order["orderNo"].startswith("MKT-") and order["status"] == "unfulfilled"
    assert order["paymentStatus"] == "pending" and order["expiresAt"]
    totals = order["totals"]
    assert totals["subtotalMinor"] == 2 * 1_500 + 2_500
    for field in ("subtotalMinor", "discountMinor", "shippingMinor", "taxMinor", "totalMinor"):
        assert totals[field] == summary.json()[field], field  # the order charges what the summary showed
    splits = {s["vendorId"]: s for s in order["vendorSplits"]}
    sa, sb = splits[shop["va"]["id"]], splits[shop["vb"]["id"]]
    assert (sa["grossMinor"], sa["commissionMinor"], sa["netMinor"]) == (3_000, 375, 2_625)  # 12.5 %
    assert (sb["grossMinor"], sb["commissionMinor"], sb["netMinor"]) == (2_500, 300, 2_200)  # fixed
    assert sa["shippingMinor"] + sb["shippingMinor"] == totals["shippingMinor"]
    assert {i["sku"]: i["qty"] for i in order["items"]} == {shop["a"]["sku"]: 2, shop["b"]["sku"]: 1}
    assert (await stock(client, shop["a"]["sku"]))["reserved"] == before["reserved"] + 2
    cart = await client.get("/v1/cart", headers=who["headers"])
    assert cart.json()["items"] == []
    created = await events(gateway, "order.created", order["orderNo"])
    assert len(created) == 1 and created[0]["totals"]["totalMinor"] == totals["totalMinor"]

    again = await place(client, who, headers=headers)  # same key, same body: the same answer, nothing new
    assert again.status_code == 201 and again.json() == order
    assert (await stock(client, shop["a"]["sku"]))["reserved"] == before["reserved"] + 2
    other_body = {**ORDER_BODY, "shippingMethod": "express"}
    assert (await place(client, who, body=other_body, headers=headers)).status_code == 422
    assert len(await rows(gateway, "SELECT 1 FROM orders WHERE user_id = :u", u=who["userId"])) == 1
    # The address is encrypted at rest, in the order and in the stored answer of its Idempotency-Key alike.
    (stored_address, stored_answer), = await rows(
        gateway, "SELECT o.shipping_address, k.response FROM orders o, idempotency_keys k "
                 "WHERE o.order_no = :o AND k.key = :k", o=order["orderNo"], k=headers["Idempotency-Key"])
    for stored in (stored_address, stored_answer):
        assert isinstance(stored, str) and stored.startswith("f1:") and "Analytical" not in stored
    assert order["shippingAddress"]["line1"] == "1 Analytical St"

    mine = await client.get("/v1/me/orders", headers=who["headers"])
    assert [o["orderNo"] for o in mine.json()["items"]] == [order["orderNo"]]
    assert (await client.get(f"/v1/orders/{order['orderNo']}", headers=who["headers"])).status_code == 200
    stranger = shopper(gateway)
    assert (await client.get(f"/v1/orders/{order['orderNo']}", headers=stranger["headers"])).status_code == 404
    assert (await client.get(f"/v1/orders/{order['orderNo']}", headers=bearer(admin_token))).status_code == 200


async def test_checkout_refusals(client, gateway, shop):
    who = shopper(gateway)
    no_key = await client.post("/v1/orders", json=ORDER_BODY, headers=who["headers"])
    assert no_key.status_code == 400 and no_key.headers["content-type"].startswith("application/problem+json")
    assert (await place(client, who)).status_code == 422  # empty cart
    await add_to_cart(client, who, shop["a"]["sku"])
    both = {"shippingAddress": ADDRESS, "shippingAddressId": "x"}
    assert (await place(client, who, body=both)).status_code == 422
    unknown = await place(client, who, body={"shippingAddressId": "7f0c6a1e-0000-7000-8000-000000000000"})
    assert unknown.status_code == 422, unknown.text
    assert (await client.post("/v1/orders", json=ORDER_BODY)).status_code == 401
    assert (await client.get("/v1/orders/MKT-99999999", headers=who["headers"])).status_code == 404
    assert (await client.get("/v1/orders/" + "x" * 300, headers=who["headers"])).status_code == 404
    assert await rows(gateway, "SELECT 1 FROM orders WHERE user_id = :u", u=who["userId"]) == []


async def test_address_book_address_is_snapshotted(client, gateway, shop):
    who = shopper(gateway)
    made = await client.post("/v1/me/addresses", headers=who["headers"], json={
        "line1": "5 Rue de Rivoli", "city": "Paris", "postalCode": "75001", "country": "FR"})
    assert made.status_code == 201, made.text
    await add_to_cart(client, who, shop["b"]["sku"])
    resp = await place(client, who, body={"shippingAddressId": made.json()["id"], "shippingMethod": "express"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["shippingAddress"]["city"] == "Paris" and resp.json()["shippingMethod"] == "express"


async def test_identical_requests_racing_create_one_order(client, gateway, shop):
    who = shopper(gateway)
    await add_to_cart(client, who, shop["a"]["sku"], 3)
    before = (await stock(client, shop["a"]["sku"]))["reserved"]
    headers = key()
    answers = await asyncio.gather(*(place(client, who, headers=headers) for _ in range(5)))
    assert [r.status_code for r in answers] == [201] * 5, [r.text for r in answers]
    assert len({r.json()["orderNo"] for r in answers}) == 1
    assert len(await rows(gateway, "SELECT 1 FROM orders WHERE user_id = :u", u=who["userId"])) == 1
    assert (await stock(client, shop["a"]["sku"]))["reserved"] == before + 3


async def test_race_for_last_units(client, gateway, shop):
    """30 shoppers, 5 units: exactly 5 orders, 25 × 409, nothing oversold; the TTL sweep gives all 5 back."""
    sku = shop["last"]["sku"]
    shoppers = [shopper(gateway) for _ in range(30)]
    for batch in range(0, 30, 5):  # filling carts is setup, not the race: keep PostgreSQL connections low
        await asyncio.gather(*(add_to_cart(client, who, sku) for who in shoppers[batch:batch + 5]))
    answers = await asyncio.gather(*(place(client, who) for who in shoppers))
    codes = sorted(r.status_code for r in answers)
    assert codes == [201] * 5 + [409] * 25, [r.text for r in answers if r.status_code not in (201, 409)]
    numbers = await stock(client, sku)
    assert (numbers["onHand"], numbers["reserved"], numbers["available"]) == (5, 5, 0)
    won = [r.json()["orderNo"] for r in answers if r.status_code == 201]
    assert len(await rows(gateway, "SELECT 1 FROM orders WHERE order_no = ANY(:n)", n=won)) == 5

    await execute(gateway, "UPDATE orders SET expires_at = now() - interval '1 minute' WHERE order_no = ANY(:n)",
                  n=won)
    await sweep_app(orders_app(gateway))
    await eventually(lambda: stock(client, sku), lambda s: s["reserved"] == 0, what="the stock back", timeout=20)
    statuses = await rows(gateway, "SELECT status FROM orders WHERE order_no = ANY(:n)", n=won)
    assert [s for (s,) in statuses] == ["cancelled"] * 5
    cancelled = await events(gateway, "order.cancelled", won[0])
    assert cancelled and cancelled[0]["reason"] == "expired"


async def test_coupon_discount_split_and_last_use(client, gateway, admin_token, shop):
    """A vendor-scoped 10 % coupon with one use: only that vendor's gross carries the discount; the second
    shopper gets 409 with nothing reserved; cancelling the first order gives the use back."""
    now = datetime.now(timezone.utc)
    code = f"ORD{uuid.uuid4().hex[:8].upper()}"
    made = await client.post("/v1/admin/coupons", headers=bearer(admin_token), json={
        "code": code, "type": "percent", "value": 10, "usageLimit": 1,
        "startsAt": (now - timedelta(hours=1)).isoformat(), "endsAt": (now + timedelta(days=1)).isoformat(),
        "scopes": [{"scopeType": "vendor", "refId": shop["vb"]["id"]}]})
    assert made.status_code == 201, made.text
    first, second = shopper(gateway), shopper(gateway)
    for who in (first, second):
        await add_to_cart(client, who, shop["a"]["sku"])
        await add_to_cart(client, who, shop["b"]["sku"])
        applied = await client.post("/v1/cart/apply-coupon", json={"code": code}, headers=who["headers"])
        assert applied.status_code == 200, applied.text

    won = await place(client, first)
    assert won.status_code == 201, won.text
    order = won.json()
    assert order["totals"]["discountMinor"] == 250 and order["couponCode"] == code
    splits = {s["vendorId"]: s for s in order["vendorSplits"]}
    assert splits[shop["vb"]["id"]]["grossMinor"] == 2_250 and splits[shop["va"]["id"]]["grossMinor"] == 1_500

    reserved = (await stock(client, shop["b"]["sku"]))["reserved"]
    lost = await place(client, second)
    assert lost.status_code == 409, lost.text
    assert (await stock(client, shop["b"]["sku"]))["reserved"] == reserved
    assert await rows(gateway, "SELECT 1 FROM orders WHERE user_id = :u", u=second["userId"]) == []

    cancel = await client.patch(f"/v1/admin/orders/{order['orderNo']}/status", json={"status": "cancelled"},
                                headers=bearer(admin_token))
    assert cancel.status_code == 200, cancel.text
    assert (await place(client, second)).status_code == 201  # the use came back with the cancellation
