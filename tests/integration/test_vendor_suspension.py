"""Vendor suspension and read-your-writes for a person's own actions (issue 13 §3), through the in-process gateway
with a plain client (nothing handed over by hand: events cross the real broker).

- approval → the owner's very next login already carries vendorId (vendors tells auth in the approving request);
- a vendor sets stock for a SKU it has just created (inventory opens the row after asking the catalog);
- suspension refuses the vendor's writes at once with the token it already holds (kernel.vendor_status), leaves its
  reads, and the next refresh drops the vendor_admin role; auth also learns of vendor.suspended over Kafka (its
  inbox row for the event), which is what converges when the synchronous call fails.
"""
from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import select

from simulator.api import call, ok
from simulator.flows import claims, create_product, login, new_category, new_user, tag

pytestmark = pytest.mark.timeout(180)


async def _approve(client, admin_token: str, owner: dict) -> dict:
    applied = ok(await call(client, "POST", "/v1/vendors/apply", token=owner["accessToken"],
                            json={"name": f"Shop {tag()}", "supportEmail": owner["email"]}), 201)
    ok(await call(client, "PATCH", f"/v1/admin/vendors/{applied['id']}/status", token=admin_token,
                  json={"status": "active"}), 200)
    return applied


async def test_approved_owner_next_login_and_refresh_carry_vendor_id(client, admin_token):
    owner = await new_user(client, "ryw-owner", "Vendor-pass-1")
    vendor = await _approve(client, admin_token, owner)
    fresh = await login(client, owner["email"], owner["password"])  # no waiting, no nudge
    assert claims(fresh["accessToken"]).get("vendorId") == vendor["id"]
    assert "vendor_admin" in claims(fresh["accessToken"])["roles"]
    refreshed = ok(await call(client, "POST", "/v1/auth/refresh", json={"refreshToken": owner["refreshToken"]}), 200)
    assert claims(refreshed["accessToken"]).get("vendorId") == vendor["id"]


async def test_vendor_sets_stock_for_sku_it_just_created(client, admin_token):
    owner = await new_user(client, "ryw-stock", "Vendor-pass-1")
    vendor = await _approve(client, admin_token, owner)
    token = (await login(client, owner["email"], owner["password"]))["accessToken"]
    category = await new_category(client, admin_token)
    sku, second = f"RYW-{tag().upper()}", f"RYW-{tag().upper()}"
    product = await create_product(client, {"id": vendor["id"], "token": token}, {
        "title": f"Fresh kettle {tag()}", "categoryIds": [category["id"]],
        "variants": [{"sku": sku, "priceMinor": 1_200, "currency": "USD"},
                     {"sku": second, "priceMinor": 1_300, "currency": "USD"}]})
    resp = await call(client, "PATCH", f"/v1/vendors/{vendor['id']}/inventory/{sku}", token=token,
                      json={"onHand": 7})
    assert resp.status_code == 200, resp.text
    assert resp.json()["onHand"] == 7 and resp.json()["productId"] == product["id"]
    # the product's other SKU was opened too, as product.created would have done
    assert ok(await call(client, "GET", f"/v1/inventory/{second}"), 200)["available"] == 0
    # another vendor cannot claim the SKU this way: it looks missing
    other_owner = await new_user(client, "ryw-other", "Vendor-pass-1")
    other = await _approve(client, admin_token, other_owner)
    other_token = (await login(client, other_owner["email"], other_owner["password"]))["accessToken"]
    stolen = await call(client, "PATCH", f"/v1/vendors/{other['id']}/inventory/{second}", token=other_token,
                        json={"onHand": 99})
    assert stolen.status_code == 404, stolen.text


async def _auth_saw(gateway, event_type: str, vendor_id: str, timeout: float = 90.0) -> str:
    """The id of vendors' `event_type` event for this vendor, once auth's inbox recorded handling it (over Kafka)."""
    from kernel.inbox import inbox_table

    vendors, auth = gateway.state.services["vendors"], gateway.state.services["auth"]
    outbox = vendors.state.outbox
    async with vendors.state.db.sessions() as session:
        event_id = await session.scalar(select(outbox.c.event_id).where(
            outbox.c.key == vendor_id, outbox.c.event_type == event_type))
    assert event_id, f"vendors wrote no {event_type} for {vendor_id}"
    inbox = inbox_table(auth.state.outbox.metadata)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with auth.state.db.sessions() as session:
            if await session.scalar(select(inbox.c.event_id).where(inbox.c.event_id == str(event_id))):
                return str(event_id)
        await asyncio.sleep(0.5)
    raise AssertionError(f"auth did not handle {event_type} {event_id} over the broker within {timeout}s")


async def test_suspension_refuses_writes_at_once_and_drops_the_role_at_refresh(gateway, client, admin_token):
    owner = await new_user(client, "susp-owner", "Vendor-pass-1")
    vendor = await _approve(client, admin_token, owner)
    pair = await login(client, owner["email"], owner["password"])
    token, vid = pair["accessToken"], vendor["id"]
    category = await new_category(client, admin_token)
    sku = f"SUS-{tag().upper()}"
    body = {"title": f"Soon gone {tag()}", "categoryIds": [category["id"]],
            "variants": [{"sku": sku, "priceMinor": 900, "currency": "USD"}]}
    await create_product(client, {"id": vid, "token": token}, body)
    stock = f"/v1/vendors/{vid}/inventory/{sku}"
    assert (await call(client, "PATCH", stock, token=token, json={"onHand": 3})).status_code == 200

    ok(await call(client, "PATCH", f"/v1/admin/vendors/{vid}/status", token=admin_token,
                  json={"status": "suspended", "reason": "test"}), 200)
    # the token it already holds still says vendor_admin, but every vendor-scoped write is refused right away
    writes = [("PATCH", stock, {"onHand": 5}),
              ("POST", f"/v1/vendors/{vid}/products", {**body, "variants": [
                  {"sku": f"SUS-{tag().upper()}", "priceMinor": 900, "currency": "USD"}]}),
              ("PATCH", f"/v1/vendors/{vid}/orders/MKT-NOPE/items/{sku}/ship", {"carrier": "dhl"}),
              ("POST", f"/v1/vendors/{vid}/payout-request", {"amountMinor": 100, "currency": "USD"}),
              ("POST", "/v1/shipping/labels", {"orderNo": "MKT-NOPE", "vendorId": vid}),
              ("POST", f"/v1/vendors/{vid}/price-suggestions/{sku}/dismiss", {})]
    for method, path, payload in writes:
        resp = await call(client, method, path, token=token, json=payload, headers={"Idempotency-Key": tag()})
        assert resp.status_code == 403, f"{method} {path}: {resp.status_code} {resp.text}"
    # reads stay open to the vendor (its history, its stock)
    assert (await call(client, "GET", f"/v1/vendors/{vid}/inventory", token=token)).status_code == 200
    # the next refresh signs a token without the vendor role
    refreshed = ok(await call(client, "POST", "/v1/auth/refresh", json={"refreshToken": pair["refreshToken"]}), 200)
    assert "vendor_admin" not in claims(refreshed["accessToken"])["roles"]
    await _auth_saw(gateway, "vendor.suspended", vid)

    ok(await call(client, "PATCH", f"/v1/admin/vendors/{vid}/status", token=admin_token,
                  json={"status": "active"}), 200)
    again = ok(await call(client, "POST", "/v1/auth/refresh", json={"refreshToken": refreshed["refreshToken"]}), 200)
    assert "vendor_admin" in claims(again["accessToken"])["roles"]
    assert (await call(client, "PATCH", stock, token=again["accessToken"], json={"onHand": 4})).status_code == 200
