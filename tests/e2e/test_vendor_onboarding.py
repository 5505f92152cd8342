"""Issue 3's loop through the gateway, every service real: apply → approve → token carries vendorId → submit
product → approve → visible publicly → stock set → availability correct, and the fences around it."""
from __future__ import annotations

import asyncio
import time
import uuid

import jwt

from tests.conftest import login, unique_email


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def poll(fetch, ok, timeout: float = 180.0):
    # 180 s like the other Kafka-hop waits: this is often the session's first test, and each service's consumer
    # group (a fresh one per test run) joins the broker while it runs.
    deadline = time.monotonic() + timeout
    while True:
        result = await fetch()
        if ok(result):
            return result
        assert time.monotonic() < deadline, f"condition not met in {timeout}s: {result}"
        await asyncio.sleep(0.25)


async def onboard_vendor(client, admin_token: str) -> dict:
    email, password = unique_email("vendor"), "vendor-pass-1"
    assert (await client.post("/v1/auth/register", json={"email": email, "password": password})).status_code == 201
    tokens = await login(client, email, password)
    applied = await client.post("/v1/vendors/apply", headers=bearer(tokens["accessToken"]),
                                json={"name": f"Shop {uuid.uuid4().hex[:6]}", "supportEmail": email})
    assert applied.status_code == 201 and applied.json()["status"] == "pending", applied.text
    vendor_id = applied.json()["id"]
    approved = await client.patch(f"/v1/admin/vendors/{vendor_id}/status", headers=bearer(admin_token),
                                  json={"status": "active", "commissionType": "percent", "commissionValue": 12})
    assert approved.status_code == 200, approved.text

    async def refreshed():
        nonlocal tokens
        resp = await client.post("/v1/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
        assert resp.status_code == 200, resp.text
        tokens = resp.json()
        return jwt.decode(tokens["accessToken"], options={"verify_signature": False})

    claims = await poll(refreshed, lambda c: c.get("vendorId") == vendor_id)
    assert "vendor_admin" in claims["roles"]
    return {"id": vendor_id, "email": email, "token": tokens["accessToken"]}


async def test_vendor_to_public_product_with_stock(client, admin_token, customer):
    vendor = await onboard_vendor(client, admin_token)
    other = await onboard_vendor(client, admin_token)
    cat = await client.post("/v1/admin/categories", headers=bearer(admin_token),
                            json={"name": f"Kitchen {uuid.uuid4().hex[:6]}"})
    assert cat.status_code == 201
    sku = f"MUG-{uuid.uuid4().hex[:8].upper()}"
    created = await client.post(f"/v1/vendors/{vendor['id']}/products", headers=bearer(vendor["token"]), json={
        "title": "Stoneware Mug", "description": "350 ml", "categoryIds": [cat.json()["id"]],
        "attributes": {"material": "stoneware"}, "options": [{"name": "color", "values": ["blue"]}],
        "images": [], "variants": [{"sku": sku, "optionValues": {"color": "blue"}, "priceMinor": 1450,
                                    "currency": "USD", "weightGrams": 400}]})
    assert created.status_code == 201 and created.json()["status"] == "pending", created.text
    product = created.json()
    assert (await client.get(f"/v1/products/{product['slug']}")).status_code == 404  # not public yet

    # fences: another vendor, a customer
    assert (await client.patch(f"/v1/vendors/{vendor['id']}/products/{product['id']}",
                               headers=bearer(other["token"]), json={"title": "Hijacked"})).status_code in (403, 404)
    assert (await client.get(f"/v1/vendors/{vendor['id']}/bank", headers=bearer(other["token"]))).status_code in (
        403, 404)
    assert (await client.patch(f"/v1/admin/products/{product['id']}/approve",
                               headers=bearer(customer["accessToken"]))).status_code == 403

    assert (await client.patch(f"/v1/admin/products/{product['id']}/approve",
                               headers=bearer(admin_token))).status_code == 200
    public = await client.get(f"/v1/products/{product['slug']}")
    assert public.status_code == 200 and public.json()["status"] == "active"
    listed = await client.get("/v1/products", params={"vendor": vendor["id"]})
    assert product["id"] in {p["id"] for p in listed.json()["items"]}

    # stock: the SKU reaches inventory by event, then the vendor sets it
    async def stock_patch(token, vendor_id, body):
        return await client.patch(f"/v1/vendors/{vendor_id}/inventory/{sku}", headers=bearer(token), json=body)

    await poll(lambda: client.get(f"/v1/inventory/{sku}"), lambda r: r.status_code == 200)
    assert (await stock_patch(other["token"], other["id"], {"onHand": 99})).status_code in (403, 404)
    assert (await stock_patch(vendor["token"], vendor["id"], {"onHand": -1})).status_code == 422
    ok = await stock_patch(vendor["token"], vendor["id"], {"onHand": 12, "reorderPoint": 3})
    assert ok.status_code == 200, ok.text
    availability = (await client.get(f"/v1/inventory/{sku}")).json()
    assert availability == {"sku": sku, "available": 12, "onHand": 12, "reserved": 0} | {
        k: v for k, v in availability.items() if k not in ("sku", "available", "onHand", "reserved")}

    # suspension takes the vendor's products out of the public catalog
    assert (await client.patch(f"/v1/admin/vendors/{vendor['id']}/status", headers=bearer(admin_token),
                               json={"status": "suspended", "reason": "e2e"})).status_code == 200
    await poll(lambda: client.get(f"/v1/products/{product['slug']}"), lambda r: r.status_code == 404)
