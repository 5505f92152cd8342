"""Cart against the real stack, through the gateway: products made by the real vendor → catalog → inventory flow
(tests/flows.py) reach the cart's projection over Kafka; Redis is the hot copy; the summary prices with
the shared pricing package and the coupons service; orders' internal routes empty the cart and emit cart.checked_out."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import text

from apps.cart.cache import cart_key
from pricing import tax_minor
from tests.flows import active_product, approved_vendor, bearer, deliver_now, eventually, new_shopper, tag

pytestmark = pytest.mark.timeout(240)
NOT_YET = {"Unknown SKU", "Item not available for sale"}  # the cart's projection has not caught up


@pytest.fixture(scope="module")
def cart_app(gateway):
    return gateway.state.services["cart"]


@pytest.fixture(scope="module")
async def internal(cart_app):
    """Orders' view: the cart app directly (the gateway never routes /internal), with the internal token."""
    token = cart_app.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cart_app), base_url="http://cart.internal",
                                 headers={"X-Internal-Token": token}, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
async def shop(client, admin_token):
    """Two approved vendors; A sells two products, B one. Stock: a1 5, a2 10, b1 3."""
    vendor_a, vendor_b = await asyncio.gather(approved_vendor(client, admin_token),
                                              approved_vendor(client, admin_token))
    a1, a2, b1 = await asyncio.gather(active_product(client, admin_token, vendor_a, price_minor=1_500, stock=5),
                                      active_product(client, admin_token, vendor_a, price_minor=2_599, stock=10),
                                      active_product(client, admin_token, vendor_b, price_minor=999, stock=3))
    return {"a": vendor_a, "b": vendor_b, "a1": a1, "a2": a2, "b1": b1}


async def add(client, token: str, sku: str, qty: int = 1) -> httpx.Response:
    """POST an item, waiting while the cart has not yet seen the product's approval (then any answer counts)."""
    async def post() -> httpx.Response:
        return await client.post("/v1/cart/items", json={"sku": sku, "qty": qty}, headers=bearer(token))

    return await eventually(post, lambda r: not (r.status_code in (409, 422) and r.json().get("title") in NOT_YET),
                            what=f"the cart to sell {sku}")


async def cart_events(cart_app, user_id: str) -> list[dict]:
    async with cart_app.state.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM outbox WHERE key = :k ORDER BY seq"), {"k": user_id})
        return [r[0] for r in rows]


async def test_add_change_and_remove_lines(client, shop, cart_app):
    shopper, a1 = await new_shopper(client), shop["a1"]
    resp = await add(client, shopper["accessToken"], a1["sku"], 2)
    assert resp.status_code == 201, resp.text
    cart = resp.json()
    line = cart["items"][0]
    assert (line["sku"], line["qty"], line["priceMinor"], line["productId"], line["vendorId"]) == \
        (a1["sku"], 2, 1_500, a1["id"], shop["a"]["id"])
    assert (cart["subtotalMinor"], cart["currency"], cart["itemCount"]) == (3_000, "USD", 2)

    auth = bearer(shopper["accessToken"])
    resp = await client.post("/v1/cart/items", json={"sku": a1["sku"], "qty": 1}, headers=auth)
    assert resp.json()["items"][0]["qty"] == 3  # adding again adds to the line
    resp = await client.patch(f"/v1/cart/items/{a1['sku']}", json={"qty": 1}, headers=bearer(shopper["accessToken"]))
    assert resp.status_code == 200 and resp.json()["subtotalMinor"] == 1_500
    got = await client.get("/v1/cart", headers=bearer(shopper["accessToken"]))
    assert got.status_code == 200 and got.json()["items"][0]["qty"] == 1
    resp = await client.delete(f"/v1/cart/items/{a1['sku']}", headers=bearer(shopper["accessToken"]))
    assert resp.status_code == 200 and resp.json()["items"] == []
    resp = await client.delete(f"/v1/cart/items/{a1['sku']}", headers=bearer(shopper["accessToken"]))
    assert resp.status_code == 404

    events = [(e["type"], e["data"]["qty"], e["data"]["lineQty"]) for e in await cart_events(cart_app,
                                                                                           shopper["userId"])]
    assert events == [("cart.item_added", 2, 2), ("cart.item_added", 1, 3), ("cart.item_removed", 2, 1),
                      ("cart.item_removed", 1, 0)]


async def test_quantity_stock_and_sku_rules(client, shop):
    shopper, a1 = await new_shopper(client), shop["a1"]
    token = shopper["accessToken"]
    for qty in (0, 100, -1, "two", 1.5):
        resp = await client.post("/v1/cart/items", json={"sku": a1["sku"], "qty": qty}, headers=bearer(token))
        assert resp.status_code == 422, (qty, resp.text)
    over = await add(client, token, a1["sku"], 6)  # 5 in stock
    assert over.status_code == 409 and over.json()["errors"][0]["available"] == 5
    assert (await add(client, token, a1["sku"], 5)).status_code == 201
    resp = await client.post("/v1/cart/items", json={"sku": a1["sku"], "qty": 1}, headers=bearer(token))
    assert resp.status_code == 409  # 6 > 5 once merged with the line
    resp = await client.patch(f"/v1/cart/items/{a1['sku']}", json={"qty": 99}, headers=bearer(token))
    assert resp.status_code == 409
    resp = await client.patch(f"/v1/cart/items/{a1['sku']}", json={"qty": 100}, headers=bearer(token))
    assert resp.status_code == 422
    unknown = await client.post("/v1/cart/items", json={"sku": f"NOPE-{tag()}", "qty": 1}, headers=bearer(token))
    assert unknown.status_code == 422 and unknown.json()["title"] == "Unknown SKU"
    for bad in ({"sku": "", "qty": 1}, {"sku": "x" * 65, "qty": 1}, {"sku": "../etc", "qty": 1}, {"qty": 1}):
        assert (await client.post("/v1/cart/items", json=bad, headers=bearer(token))).status_code == 422
    assert (await client.patch("/v1/cart/items/NOT-THERE", json={"qty": 1}, headers=bearer(token))).status_code == 404
    assert (await client.get("/v1/cart")).status_code == 401


async def test_line_limit_and_one_currency(client, admin_token, shop, cart_app, monkeypatch):
    shopper = await new_shopper(client)
    token = shopper["accessToken"]
    euro = await active_product(client, admin_token, shop["b"], price_minor=700, stock=5, currency="EUR")
    assert (await add(client, token, shop["a1"]["sku"])).status_code == 201
    mismatch = await add(client, token, euro["sku"])
    assert mismatch.status_code == 409 and mismatch.json()["title"] == "Currency mismatch"
    monkeypatch.setattr(cart_app.state.settings, "max_lines", 2)
    assert (await add(client, token, shop["a2"]["sku"])).status_code == 201
    full = await add(client, token, shop["b1"]["sku"])
    assert full.status_code == 409 and full.json()["title"] == "Cart is full"


async def test_only_active_products_of_active_vendors(client, admin_token):
    vendor = await approved_vendor(client, admin_token)
    product = await active_product(client, admin_token, vendor, price_minor=1_200, stock=4)
    shopper = await new_shopper(client)
    assert (await add(client, shopper["accessToken"], product["sku"])).status_code == 201
    resp = await client.patch(f"/v1/admin/vendors/{vendor['id']}/status", json={"status": "suspended"},
                              headers=bearer(admin_token))
    assert resp.status_code == 200, resp.text
    await deliver_now(client, "vendors", vendor["id"])
    other = await new_shopper(client)

    async def try_add() -> httpx.Response:
        return await client.post("/v1/cart/items", json={"sku": product["sku"], "qty": 1},
                                 headers=bearer(other["accessToken"]))

    refused = await eventually(try_add, lambda r: r.status_code == 409, what="the suspension to reach the cart")
    assert refused.json()["title"] == "Item not available for sale"
    summary = await client.post("/v1/checkout/summary", headers=bearer(shopper["accessToken"]))
    assert summary.status_code == 200
    assert summary.json()["items"][0]["purchasable"] is False and summary.json()["checkoutReady"] is False


async def test_price_is_captured_when_added(client, shop):
    vendor, product = shop["b"], shop["b1"]
    early = await new_shopper(client)
    assert (await add(client, early["accessToken"], product["sku"])).status_code == 201
    resp = await client.patch(f"/v1/vendors/{vendor['id']}/products/{product['id']}",
                              json={"variants": [{"sku": product["sku"], "priceMinor": 1_299}]},
                              headers=bearer(vendor["token"]))
    assert resp.status_code == 200, resp.text
    await deliver_now(client, "catalog", product["id"])
    late = await new_shopper(client)

    async def add_late() -> httpx.Response:
        await client.delete(f"/v1/cart/items/{product['sku']}", headers=bearer(late["accessToken"]))
        return await add(client, late["accessToken"], product["sku"])

    resp = await eventually(add_late, lambda r: r.status_code == 201 and r.json()["items"][0]["priceMinor"] == 1_299,
                            what="the new price to reach the cart")
    assert resp.json()["subtotalMinor"] == 1_299
    kept = await client.get("/v1/cart", headers=bearer(early["accessToken"]))
    assert kept.json()["items"][0]["priceMinor"] == 999
    shop["b1"]["priceMinor"] = 1_299  # later tests price b1 at its current price


async def test_checkout_summary_totals_and_tax(client, shop, cart_app, monkeypatch):
    shopper = await new_shopper(client)
    token = shopper["accessToken"]
    empty = await client.post("/v1/checkout/summary", headers=bearer(token))
    assert empty.status_code == 200
    assert {k: empty.json()[k] for k in ("subtotalMinor", "shippingMinor", "totalMinor")} == \
        {"subtotalMinor": 0, "shippingMinor": 0, "totalMinor": 0}
    await add(client, token, shop["a1"]["sku"], 2)
    await add(client, token, shop["a2"]["sku"], 1)
    flat = cart_app.state.settings.flat_shipping_minor
    body = (await client.post("/v1/checkout/summary", json={}, headers=bearer(token))).json()
    assert body["subtotalMinor"] == 2 * 1_500 + 2_599
    assert (body["discountMinor"], body["shippingMinor"], body["shipping"]["source"]) == (0, flat, "flat")
    assert body["taxMinor"] == 0 and body["totalMinor"] == 5_599 + flat and body["currency"] == "USD"
    assert [i["lineTotalMinor"] for i in body["items"]] == [3_000, 2_599] and body["checkoutReady"] is True

    monkeypatch.setattr(cart_app.state.settings, "tax_rate_bps", 825)
    taxed = (await client.post("/v1/checkout/summary", json={"shippingMethod": "express",
                                                             "destination": {"country": "us", "postalCode": "94107"}},
                               headers=bearer(token))).json()
    assert taxed["taxMinor"] == tax_minor(5_599, 825) == 462
    assert taxed["shipping"]["source"] in ("quote", "flat") and taxed["shippingMethod"] == "express"
    assert taxed["totalMinor"] == 5_599 + taxed["shippingMinor"] + 462
    if taxed["shipping"]["source"] == "quote":  # shipping deployed: the same number its public rates show
        items = [{"sku": i["sku"], "vendorId": i["vendorId"], "qty": i["qty"], "weightGrams": i["weightGrams"]}
                 for i in taxed["items"]]
        rates = await client.post("/v1/shipping/rates", json={"items": items, "destination": {
            "country": "US", "postalCode": "94107"}}, headers=bearer(token))
        express = [r for r in rates.json()["rates"] if r["serviceLevel"] == "express"]
        assert express and express[0]["amountMinor"] == taxed["shippingMinor"]
    for bad in ({"shippingMethod": "teleport"}, {"destination": {"country": "USA", "postalCode": "1"}},
                {"destination": {"country": "US"}}):
        assert (await client.post("/v1/checkout/summary", json=bad, headers=bearer(token))).status_code == 422


async def _coupon(client, admin_token: str, **fields) -> dict:
    now = datetime.now(timezone.utc)
    body = {"code": f"T{tag().upper()}", "type": "percent", "value": 10,
            "startsAt": (now - timedelta(hours=1)).isoformat(), "endsAt": (now + timedelta(days=1)).isoformat(),
            **fields}
    resp = await client.post("/v1/admin/coupons", json=body, headers=bearer(admin_token))
    assert resp.status_code == 201, resp.text
    return resp.json()


async def test_coupon_on_cart_and_in_summary(client, admin_token, shop, cart_app):
    shopper = await new_shopper(client)
    token = shopper["accessToken"]
    await add(client, token, shop["a1"]["sku"], 2)                 # 3000, vendor A
    await add(client, token, shop["b1"]["sku"], 1)                 # vendor B
    b_price = shop["b1"]["priceMinor"]
    coupon = await _coupon(client, admin_token, value=20, scopes=[{"scopeType": "vendor", "refId": shop["b"]["id"]}])
    applied = await client.post("/v1/cart/apply-coupon", json={"code": coupon["code"].lower()}, headers=bearer(token))
    assert applied.status_code == 200, applied.text
    assert applied.json()["couponCode"] == coupon["code"]
    assert applied.json()["coupon"]["discountMinor"] == round(b_price * 0.2)
    summary = (await client.post("/v1/checkout/summary", headers=bearer(token))).json()
    discounts = {i["sku"]: i["discountMinor"] for i in summary["items"]}
    assert discounts == {shop["a1"]["sku"]: 0, shop["b1"]["sku"]: summary["discountMinor"]}
    assert summary["coupon"]["valid"] is True
    assert summary["totalMinor"] == 3_000 + b_price - summary["discountMinor"] + summary["shippingMinor"]

    unknown = await client.post("/v1/cart/apply-coupon", json={"code": "NO-SUCH-CODE"}, headers=bearer(token))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["reason"] == "not_found"
    expired = await _coupon(client, admin_token, startsAt="2020-01-01T00:00:00Z", endsAt="2020-02-01T00:00:00Z")
    resp = await client.post("/v1/cart/apply-coupon", json={"code": expired["code"]}, headers=bearer(token))
    assert resp.status_code == 422 and resp.json()["errors"][0]["reason"] == "expired"
    big = await _coupon(client, admin_token, type="fixed", value=500, minOrderMinor=1_000_000)
    resp = await client.post("/v1/cart/apply-coupon", json={"code": big["code"]}, headers=bearer(token))
    assert resp.status_code == 422 and resp.json()["errors"][0]["reason"] == "min_order_not_met"

    removed = await client.delete("/v1/cart/coupon", headers=bearer(token))
    assert removed.status_code == 200 and removed.json()["couponCode"] is None
    assert (await client.post("/v1/checkout/summary", headers=bearer(token))).json()["discountMinor"] == 0
    types = [e["type"] for e in await cart_events(cart_app, shopper["userId"])]
    assert types.count("cart.coupon_applied") == 1 and types.count("cart.coupon_removed") == 1


async def test_internal_cart_and_checked_out(client, shop, cart_app, internal):
    shopper = await new_shopper(client)
    token, user_id = shopper["accessToken"], shopper["userId"]
    await add(client, token, shop["a1"]["sku"], 2)
    await add(client, token, shop["a2"]["sku"], 1)
    assert (await internal.get(f"/internal/v1/carts/{user_id}", headers={"X-Internal-Token": ""})).status_code == 401
    assert (await internal.get("/internal/v1/carts/not-a-uuid")).status_code == 422
    body = (await internal.get(f"/internal/v1/carts/{user_id}")).json()
    assert body["userId"] == user_id and body["currency"] == "USD" and body["couponCode"] is None
    item = body["items"][0]
    assert {k: item[k] for k in ("sku", "qty", "priceMinor", "vendorId", "purchasable")} == \
        {"sku": shop["a1"]["sku"], "qty": 2, "priceMinor": 1_500, "vendorId": shop["a"]["id"], "purchasable": True}
    assert item["categoryIds"] == shop["a1"]["categoryIds"] and item["weightGrams"] == 250

    order_no = f"T-{tag()}"
    partial = {"orderNo": order_no, "items": [{"sku": shop["a1"]["sku"], "qty": 2}]}
    assert (await internal.post(f"/internal/v1/carts/{user_id}/checked-out", json=partial)).status_code == 204
    assert (await internal.post(f"/internal/v1/carts/{user_id}/checked-out", json=partial)).status_code == 204
    left = (await client.get("/v1/cart", headers=bearer(token))).json()
    assert [i["sku"] for i in left["items"]] == [shop["a2"]["sku"]]  # the cache was rewritten too
    assert (await internal.post(f"/internal/v1/carts/{user_id}/checked-out",
                                json={"orderNo": f"T-{tag()}"})).status_code == 204
    assert (await client.get("/v1/cart", headers=bearer(token))).json()["items"] == []
    done = [e["data"] for e in await cart_events(cart_app, user_id) if e["type"] == "cart.checked_out"]
    assert len(done) == 2
    assert done[0]["orderNo"] == order_no and done[0]["subtotalMinor"] == 3_000
    assert done[0]["items"] == [{"sku": shop["a1"]["sku"], "qty": 2, "priceMinor": 1_500,
                                 "productId": shop["a1"]["id"], "vendorId": shop["a"]["id"]}]


async def test_redis_is_a_versioned_hot_copy(client, shop, cart_app):
    shopper = await new_shopper(client)
    token, user_id = shopper["accessToken"], shopper["userId"]
    cache = cart_app.state.cart_cache
    cart = (await add(client, token, shop["a2"]["sku"], 1)).json()
    cached = await cache.get(user_id)
    assert cached is not None and cached["version"] == cart["version"] and cached["items"][0]["qty"] == 1
    assert await cache.put({**cached, "version": cached["version"] - 1, "items": []}) is False  # older loses
    await cache.drop(user_id)
    again = await client.get("/v1/cart", headers=bearer(token))  # a miss reads PostgreSQL and refills Redis
    assert again.json()["items"][0]["sku"] == shop["a2"]["sku"]
    assert (await cache.get(user_id))["version"] == cart["version"]
    assert await cache._client.ttl(cart_key(user_id)) > 0  # noqa: SLF001 - the expiry is part of the contract


async def test_concurrent_adds_by_one_shopper_lose_nothing(client, shop, cart_app):
    shopper = await new_shopper(client)
    token, sku = shopper["accessToken"], shop["a2"]["sku"]
    assert (await add(client, token, sku, 1)).status_code == 201
    replies = await asyncio.gather(*(client.post("/v1/cart/items", json={"sku": sku, "qty": 1},
                                                 headers=bearer(token)) for _ in range(6)))
    assert sorted(r.status_code for r in replies) == [201] * 6
    cart = (await client.get("/v1/cart", headers=bearer(token))).json()
    assert cart["items"][0]["qty"] == 7 and cart["version"] == 7  # one version per change, none lost
    added = [e["data"]["lineQty"] for e in await cart_events(cart_app, shopper["userId"])]
    assert sorted(added) == list(range(1, 8))
