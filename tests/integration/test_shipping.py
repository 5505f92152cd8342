"""Shipping against the real stack: rates and the internal quote, labels for paid orders only, tracking through
the carrier state machine, and shipping.delivered with the on-time ground truth."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from kernel.ids import new_id_str
from tests.integration.order_events import feed, line, order_created, order_no, order_paid

pytestmark = pytest.mark.timeout(120)
US = {"country": "US", "postalCode": "94105"}


@pytest.fixture(scope="module")
def shipping(gateway):
    return gateway.state.services["shipping"]


@pytest.fixture(scope="module")
async def internal(shipping):
    token = shipping.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=shipping), base_url="http://shipping.internal",
                                 headers={"X-Internal-Token": token}) as c:
        yield c


def bearer(gateway, *, roles: tuple[str, ...], vendor_id: str | None = None) -> dict[str, str]:
    issuer = gateway.state.services["auth"].state.issuer
    token = issuer.access_token(user_id=new_id_str(), roles=list(roles), vendor_id=vendor_id)
    return {"Authorization": f"Bearer {token}"}


async def paid_order(shipping, *vendor_ids: str, country: str = "US") -> str:
    number, user = order_no(), new_id_str()
    lines = [line(v) for v in vendor_ids]
    await feed(shipping, order_created(number, user, lines, country=country), order_paid(number, user, lines))
    return number


async def outbox(shipping, event_type: str, tracking_no: str) -> list[dict]:
    async with shipping.state.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM outbox WHERE event_type = :t AND "
                                       "payload->'data'->>'trackingNo' = :n ORDER BY seq"),
                                  {"t": event_type, "n": tracking_no})
        return [r[0]["data"] for r in rows]


async def test_rates_by_zone_level_and_weight(client):
    body = {"items": [{"sku": "A", "qty": 2, "weightGrams": 400}], "destination": US}
    resp = await client.post("/v1/shipping/rates", json=body)
    assert resp.status_code == 200, resp.text
    rates = {r["serviceLevel"]: r for r in resp.json()["rates"]}
    assert rates["standard"]["amountMinor"] == 599 and rates["standard"]["etaDays"] == 5  # domestic flat
    assert rates["express"]["amountMinor"] == 1499 and rates["express"]["currency"] == "USD"  # 800 g bracket
    heavy = await client.post("/v1/shipping/rates", json={**body, "items": [{"qty": 1, "weightGrams": 7200}],
                                                         "destination": {"country": "de"}})
    intl = {r["serviceLevel"]: r for r in heavy.json()["rates"]}
    assert intl["standard"]["zone"] == "international" and intl["standard"]["amountMinor"] == 3999 + 3 * 600


async def test_internal_quote_matches_public_rates_and_splits_parcels_per_vendor(client, internal):
    v1, v2 = new_id_str(), new_id_str()
    items = [{"sku": "A", "vendorId": v1, "qty": 1, "weightGrams": 300},
             {"sku": "B", "vendorId": v2, "qty": 3, "weightGrams": 1000}]
    quote = await internal.post("/internal/v1/shipping/quote",
                                json={"items": items, "destination": US, "serviceLevel": "express"})
    assert quote.status_code == 200, quote.text
    public = await client.post("/v1/shipping/rates", json={"items": items, "destination": US})
    express = next(r for r in public.json()["rates"] if r["serviceLevel"] == "express")
    assert quote.json()["amountMinor"] == express["amountMinor"] == 999 + 2199
    assert {p["vendorId"]: p["amountMinor"] for p in quote.json()["parcels"]} == {v1: 999, v2: 2199}
    assert (await client.post("/internal/v1/shipping/quote", json={})).status_code == 404  # never routed
    async with httpx.AsyncClient(transport=internal._transport, base_url="http://shipping.internal") as anon:
        assert (await anon.post("/internal/v1/shipping/quote", json={})).status_code == 401


@pytest.mark.parametrize("body", [
    {"items": [], "destination": US},
    {"items": [{"qty": 0, "weightGrams": 1}], "destination": US},
    {"items": [{"qty": 1, "weightGrams": -5}], "destination": US},
    {"items": [{"qty": 1}], "destination": {"country": "U1"}},
    {"items": [{"qty": 1}], "destination": {"country": "USA"}},
    {"items": [{"qty": 1}]},
])
async def test_bad_rate_requests_are_422(client, body):
    resp = await client.post("/v1/shipping/rates", json=body)
    assert resp.status_code == 422 and resp.headers["content-type"].startswith("application/problem+json")


async def test_label_tracking_and_on_time_delivery(client, gateway, shipping, internal):
    vendor = new_id_str()
    number = await paid_order(shipping, vendor)
    headers = bearer(gateway, roles=("vendor_admin",), vendor_id=vendor)
    resp = await client.post("/v1/shipping/labels", json={"orderNo": number, "vendorId": vendor,
                                                          "serviceLevel": "express"}, headers=headers)
    assert resp.status_code == 201, resp.text
    label = resp.json()
    tracking = label["trackingNo"]
    assert tracking.startswith("MKT1Z") and len(tracking) == 17 and label["etaDays"] == 2
    [created] = await outbox(shipping, "shipping.label.created", tracking)
    assert created["orderNo"] == number and created["vendorId"] == vendor and created["serviceLevel"] == "express"

    path = httpx.URL(label["labelUrl"]).raw_path.decode()
    printed = await client.get(path)
    assert printed.status_code == 200 and tracking in printed.text and number in printed.text
    assert (await client.get(f"/v1/shipping/labels/{tracking}")).status_code == 401
    assert (await client.get(f"/v1/shipping/labels/{tracking}", headers=headers)).status_code == 200
    other = bearer(gateway, roles=("vendor_admin",), vendor_id=new_id_str())
    assert (await client.get(f"/v1/shipping/labels/{tracking}", headers=other)).status_code == 403

    # The carrier webhook stand-in reaches shipping inside the deployment (internal token); staff use the edge.
    staff = bearer(gateway, roles=("staff",))
    for status, via, who in (("in_transit", internal, {}), ("in_transit", internal, {}),
                             ("out_for_delivery", client, staff), ("delivered", internal, {})):
        resp = await via.post(f"/v1/shipping/track/{tracking}/events", json={"status": status, "location": "SFO"},
                              headers=who)
        assert resp.status_code == 201, resp.text
    track = (await client.get(f"/v1/shipping/track/{tracking}")).json()
    assert track["status"] == "delivered" and track["late"] is False
    assert [e["status"] for e in track["events"]] == ["label_created", "in_transit", "in_transit",
                                                      "out_for_delivery", "delivered"]
    [delivered] = await outbox(shipping, "shipping.delivered", tracking)
    assert delivered["late"] is False and delivered["orderNo"] == number and delivered["vendorId"] == vendor
    assert datetime.fromisoformat(delivered["deliveredAt"]) <= datetime.fromisoformat(delivered["promisedAt"])
    assert len(await outbox(shipping, "shipping.status.updated", tracking)) == 5
    again = await internal.post(f"/v1/shipping/track/{tracking}/events", json={"status": "in_transit"})
    assert again.status_code == 409  # delivered is final


async def test_delivery_after_the_promise_is_late(client, gateway, shipping):
    vendor = new_id_str()
    number = await paid_order(shipping, vendor, country="FR")
    staff = bearer(gateway, roles=("staff",))
    label = (await client.post("/v1/shipping/labels", json={"orderNo": number, "vendorId": vendor}, headers=staff))
    assert label.status_code == 201, label.text
    tracking, promised = label.json()["trackingNo"], datetime.fromisoformat(label.json()["promisedAt"])
    assert label.json()["etaDays"] == 10  # international standard
    url = f"/v1/shipping/track/{tracking}/events"
    assert (await client.post(url, json={"status": "delivered"}, headers=staff)).status_code == 409  # skips transit
    assert (await client.post(url, json={"status": "in_transit"}, headers=staff)).status_code == 201
    late_at = (promised + timedelta(hours=3)).isoformat()
    resp = await client.post(url, json={"status": "delivered", "at": late_at}, headers=staff)
    assert resp.status_code == 201, resp.text
    assert resp.json()["late"] is True
    [delivered] = await outbox(shipping, "shipping.delivered", tracking)
    assert delivered["late"] is True and delivered["transitHours"] > 10 * 24


async def test_only_the_vendor_of_a_paid_order_gets_one_label(client, gateway, shipping, customer):
    vendor, stranger = new_id_str(), new_id_str()
    number = await paid_order(shipping, vendor)
    body = {"orderNo": number, "vendorId": vendor, "serviceLevel": "standard"}
    mine = bearer(gateway, roles=("vendor_admin",), vendor_id=vendor)
    theirs = bearer(gateway, roles=("vendor_admin",), vendor_id=stranger)
    shopper = {"Authorization": f"Bearer {customer['accessToken']}"}
    assert (await client.post("/v1/shipping/labels", json=body)).status_code == 401
    assert (await client.post("/v1/shipping/labels", json=body, headers=shopper)).status_code == 403
    assert (await client.post("/v1/shipping/labels", json=body, headers=theirs)).status_code == 403
    assert (await client.post("/v1/shipping/labels", json={**body, "vendorId": stranger},
                              headers=theirs)).status_code == 403  # not in the order
    both = await asyncio.gather(*(client.post("/v1/shipping/labels", json=body, headers=mine) for _ in range(4)))
    assert sorted(r.status_code for r in both) == [201, 409, 409, 409]
    assert (await client.post("/v1/shipping/labels", json={**body, "serviceLevel": "overnight"},
                              headers=mine)).status_code == 422


async def test_unpaid_or_unknown_orders_get_no_label(client, gateway, shipping):
    vendor = new_id_str()
    number, user, lines = order_no(), new_id_str(), [line(vendor)]
    await feed(shipping, order_created(number, user, lines))
    staff = bearer(gateway, roles=("staff",))
    resp = await client.post("/v1/shipping/labels", json={"orderNo": number, "vendorId": vendor}, headers=staff)
    assert resp.status_code in (404, 409), resp.text  # orders may not know a number only our projection saw
    unknown = await client.post("/v1/shipping/labels", json={"orderNo": order_no(), "vendorId": vendor},
                                headers=staff)
    assert unknown.status_code == 404, unknown.text


async def test_tracking_lookups_and_event_guards(client, gateway, customer):
    assert (await client.get("/v1/shipping/track/MKT1Z000000000000")).status_code == 404
    assert (await client.get(f"/v1/shipping/track/{'X' * 5000}")).status_code == 404
    url = "/v1/shipping/track/MKT1Z000000000000/events"
    assert (await client.post(url, json={"status": "in_transit"})).status_code == 401
    shopper = {"Authorization": f"Bearer {customer['accessToken']}"}
    assert (await client.post(url, json={"status": "in_transit"}, headers=shopper)).status_code == 403
    assert (await client.post(url, json={"status": "in_transit"},
                              headers={"X-Internal-Token": "wrong"})).status_code == 401  # stripped at the edge
    staff = bearer(gateway, roles=("staff",))
    assert (await client.post(url, json={"status": "lost"}, headers=staff)).status_code == 422
    assert (await client.post(url, json={"status": "in_transit", "at": "2025-01-01T00:00:00"},
                              headers=staff)).status_code == 422  # naive time
    assert (await client.post(url, json={"status": "in_transit"}, headers=staff)).status_code == 404
