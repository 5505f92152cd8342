"""Inventory against the real stack: stock rows from product.created, vendor stock through the gateway, the
internal reservations API (concurrency, all-or-nothing, commit/release, expiry by the sweeper) and its events."""
from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from sqlalchemy import text

from apps.inventory.sweeper import sweep_app
from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from kernel.ids import new_id_str


@pytest.fixture(scope="module")
def inventory(gateway):
    return gateway.state.services["inventory"]


@pytest.fixture(scope="module")
async def internal(inventory):
    """Checkout's view: the inventory app directly (the gateway does not route /internal), with the token."""
    token = inventory.state.settings.internal_api_token
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inventory), base_url="http://inventory.internal",
                                 headers={"X-Internal-Token": token}, timeout=60) as c:
        yield c


def product_event(vendor_id: str, skus: list[str], event_type: str = "product.created") -> Envelope:
    """A product.created exactly as the catalog contract defines it."""
    data = contract_for(event_type).validate({
        "productId": new_id_str(), "vendorId": vendor_id, "title": "Lamp", "slug": f"lamp-{uuid.uuid4().hex[:8]}",
        "status": "pending", "categoryIds": [], "createdAt": "2024-05-01T10:00:00Z",
        "variants": [{"sku": s, "priceMinor": 1999, "currency": "EUR"} for s in skus]})
    return Envelope(type=event_type, data=data)


def new_sku() -> str:
    return f"SKU-{uuid.uuid4().hex[:12].upper()}"


def vendor_token(gateway, vendor_id: str, roles: tuple[str, ...] = ("vendor_admin",)) -> dict[str, str]:
    issuer = gateway.state.services["auth"].state.issuer
    token = issuer.access_token(user_id=new_id_str(), roles=list(roles), vendor_id=vendor_id)
    return {"Authorization": f"Bearer {token}"}


async def open_stock(inventory, vendor_id: str, *skus: str) -> None:
    assert await inventory.state.consumer.handle(product_event(vendor_id, list(skus)).to_json())


async def stocked(client, gateway, inventory, on_hand: int, **extra) -> tuple[str, str, dict]:
    """A fresh vendor with one SKU holding `on_hand` units (set through the gateway like a vendor would)."""
    vendor_id, sku = new_id_str(), new_sku()
    await open_stock(inventory, vendor_id, sku)
    headers = vendor_token(gateway, vendor_id)
    resp = await client.patch(f"/v1/vendors/{vendor_id}/inventory/{sku}", json={"onHand": on_hand, **extra},
                              headers=headers)
    assert resp.status_code == 200, resp.text
    return vendor_id, sku, headers


async def outbox_events(inventory, event_type: str, **match: str) -> list[dict]:
    where = " AND ".join(f"payload->'data'->>'{k}' = :{k}" for k in match)
    async with inventory.state.db.engine.connect() as conn:
        rows = await conn.execute(text(f"SELECT payload FROM outbox WHERE event_type = :t AND {where} ORDER BY seq"),
                                  {"t": event_type, **match})
        return [r[0] for r in rows]


async def ledger(inventory, sku: str) -> list[tuple[str, int, int, str | None]]:
    """The SKU's movement rows, oldest first: (reason, delta on hand, delta reserved, reference)."""
    async with inventory.state.db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT reason, delta_on_hand, delta_reserved, reference FROM stock_movements "
                                       "WHERE sku = :sku ORDER BY at, reason DESC"), {"sku": sku})
        return [tuple(r) for r in rows]


async def numbers(client, sku: str) -> dict:
    resp = await client.get(f"/v1/inventory/{sku}")
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_product_created_opens_stock_rows_once(client, inventory):
    vendor_id, skus = new_id_str(), [new_sku(), new_sku()]
    event = product_event(vendor_id, skus)
    assert await inventory.state.consumer.handle(event.to_json())
    assert not await inventory.state.consumer.handle(event.to_json())  # redelivery: inbox skips it
    for sku in skus:
        assert await numbers(client, sku) == {"sku": sku, "available": 0, "onHand": 0, "reserved": 0}
        assert len(await outbox_events(inventory, "inventory.adjusted", sku=sku)) == 1
    missing = await client.get(f"/v1/inventory/{new_sku()}")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/v1/inventory/{'X' * 10_000}")).status_code == 404


async def test_product_created_over_kafka_reaches_the_consumer(client, inventory, internal):
    sku, vendor_id = new_sku(), new_id_str()
    event = product_event(vendor_id, [sku])
    await inventory.state.publisher.send_many([(contract_for("product.created").topic.name, vendor_id,
                                                event.to_json())])
    deadline = time.monotonic() + 60  # the group may be rebalancing while other processes join and leave
    # Polls the inventory app itself: the gateway's per-IP rate limit is shared with every other test.
    while (resp := await internal.get(f"/v1/inventory/{sku}")).status_code == 404 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert resp.status_code == 200 and resp.json()["onHand"] == 0


async def test_vendor_sets_stock_absolute_delta_and_reorder_settings(client, gateway, inventory):
    vendor_id, sku, headers = await stocked(client, gateway, inventory, 10)
    url = f"/v1/vendors/{vendor_id}/inventory/{sku}"
    resp = await client.patch(url, json={"delta": -4, "reorderPoint": 2, "safetyStock": 1}, headers=headers)
    assert resp.status_code == 200
    body = resp.json()
    assert (body["onHand"], body["reserved"], body["available"], body["reorderPoint"], body["safetyStock"]) == \
        (6, 0, 6, 2, 1)
    assert await numbers(client, sku) == {"sku": sku, "available": 6, "onHand": 6, "reserved": 0}
    events = await outbox_events(inventory, "inventory.adjusted", sku=sku)
    assert [(e["data"]["reason"], e["data"]["delta"]) for e in events] == [("created", 0), ("set", 10),
                                                                           ("delta", -4)]
    assert events[-1]["data"]["vendorId"] == vendor_id and events[-1]["data"]["available"] == 6
    listing = await client.get(f"/v1/vendors/{vendor_id}/inventory", headers=headers)
    assert listing.status_code == 200
    assert [(i["sku"], i["lowStock"]) for i in listing.json()["items"]] == [(sku, False)]


async def test_vendor_cannot_read_or_change_another_vendors_stock(client, gateway, inventory, customer):
    owner_id, sku, _ = await stocked(client, gateway, inventory, 5)
    other_id = new_id_str()
    other = vendor_token(gateway, other_id)
    # Their own scope, someone else's SKU: indistinguishable from a missing SKU.
    own_path = await client.patch(f"/v1/vendors/{other_id}/inventory/{sku}", json={"onHand": 99}, headers=other)
    assert own_path.status_code == 404
    # Someone else's scope: refused before anything is looked up.
    foreign = await client.patch(f"/v1/vendors/{owner_id}/inventory/{sku}", json={"onHand": 99}, headers=other)
    assert foreign.status_code == 403
    assert (await client.get(f"/v1/vendors/{owner_id}/inventory", headers=other)).status_code == 403
    shopper = {"Authorization": f"Bearer {customer['accessToken']}"}
    assert (await client.get(f"/v1/vendors/{owner_id}/inventory", headers=shopper)).status_code == 403
    assert (await client.patch(f"/v1/vendors/{owner_id}/inventory/{sku}", json={"onHand": 1})).status_code == 401
    assert (await numbers(client, sku))["onHand"] == 5


async def test_invalid_stock_changes_are_4xx(client, gateway, inventory, internal):
    vendor_id, sku, headers = await stocked(client, gateway, inventory, 5)
    url = f"/v1/vendors/{vendor_id}/inventory/{sku}"
    for body in ({"onHand": -1}, {"onHand": 1, "delta": 1}, {}, {"reorderPoint": -2}, {"onHand": "many"},
                 {"onHand": 10**12}):
        resp = await client.patch(url, json=body, headers=headers)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json")
    held = await internal.post("/internal/v1/reservations", json={"reference": "o-1", "items": [{"sku": sku,
                                                                                                 "qty": 3}]})
    assert held.status_code == 201
    below = await client.patch(url, json={"onHand": 2}, headers=headers)
    assert below.status_code == 409 and below.json()["title"] == "Stock below reserved"
    assert (await client.patch(url, json={"delta": -3}, headers=headers)).status_code == 409
    assert (await client.patch(url, json={"delta": -6}, headers=headers)).status_code == 409
    assert await numbers(client, sku) == {"sku": sku, "available": 2, "onHand": 5, "reserved": 3}
    assert (await client.patch(url, json={"onHand": 3}, headers=headers)).json()["available"] == 0


async def test_low_stock_is_emitted_once_per_crossing(client, gateway, inventory, internal):
    vendor_id, sku, headers = await stocked(client, gateway, inventory, 10, reorderPoint=5)
    url = f"/v1/vendors/{vendor_id}/inventory/{sku}"
    for delta in (-3, -3, -1, -2):  # 7 (above), 4 (crossed), 3, 1 (still under: no repeat)
        assert (await client.patch(url, json={"delta": delta}, headers=headers)).status_code == 200
    assert [e["data"]["available"] for e in await outbox_events(inventory, "inventory.low_stock", sku=sku)] == [4]
    listing = (await client.get(f"/v1/vendors/{vendor_id}/inventory?lowStock=true", headers=headers)).json()
    assert listing["total"] == 1 and listing["items"][0]["lowStock"] is True
    await client.patch(url, json={"onHand": 10}, headers=headers)  # recovers
    held = await internal.post("/internal/v1/reservations", json={"reference": "o-2", "items": [{"sku": sku,
                                                                                                 "qty": 6}]})
    assert held.status_code == 201  # a reservation takes it under again: a second crossing
    events = await outbox_events(inventory, "inventory.low_stock", sku=sku)
    assert [(e["data"]["available"], e["data"]["reorderPoint"]) for e in events] == [(4, 5), (4, 5)]
    assert events[-1]["data"]["vendorId"] == vendor_id


async def test_fifty_concurrent_reservations_never_oversell(client, gateway, inventory, internal):
    _, sku, _ = await stocked(client, gateway, inventory, 7)

    async def one(i: int) -> httpx.Response:
        return await internal.post("/internal/v1/reservations",
                                   json={"reference": f"order-{i}", "items": [{"sku": sku, "qty": 1}]})

    results = await asyncio.gather(*(one(i) for i in range(50)))
    codes = [r.status_code for r in results]
    assert codes.count(201) == 7 and codes.count(409) == 43, codes
    refused = next(r for r in results if r.status_code == 409).json()
    assert refused["errors"][0]["sku"] == sku and refused["errors"][0]["available"] == 0
    assert await numbers(client, sku) == {"sku": sku, "available": 0, "onHand": 7, "reserved": 7}
    async with inventory.state.db.engine.connect() as conn:
        events = await conn.scalar(text(
            "SELECT count(*) FROM outbox WHERE event_type = 'inventory.reserved' "
            "AND payload->'data'->'items' @> CAST(:items AS jsonb)"), {"items": f'[{{"sku": "{sku}"}}]'})
    assert events == 7  # the refused 43 left no event behind


async def test_overlapping_multi_sku_traffic_never_deadlocks(client, gateway, inventory, internal):
    vendor_id, first, headers = await stocked(client, gateway, inventory, 20)
    second = new_sku()
    await open_stock(inventory, vendor_id, second)
    await client.patch(f"/v1/vendors/{vendor_id}/inventory/{second}", json={"onHand": 20}, headers=headers)

    async def hold(i: int) -> httpx.Response:  # half list the SKUs one way round, half the other
        pair = [first, second] if i % 2 else [second, first]
        return await internal.post("/internal/v1/reservations", json={
            "reference": f"mixed-{i}", "items": [{"sku": s, "qty": 1} for s in pair]})

    async def restock(sku: str) -> httpx.Response:
        return await client.patch(f"/v1/vendors/{vendor_id}/inventory/{sku}", json={"delta": 1}, headers=headers)

    results = await asyncio.gather(*(hold(i) for i in range(16)), restock(first), restock(second))
    assert all(r.status_code in (200, 201) for r in results), [r.status_code for r in results]
    assert await numbers(client, first) == {"sku": first, "available": 5, "onHand": 21, "reserved": 16}
    assert await numbers(client, second) == {"sku": second, "available": 5, "onHand": 21, "reserved": 16}


async def test_reservation_is_all_or_nothing(client, gateway, inventory, internal):
    vendor_id, plenty, headers = await stocked(client, gateway, inventory, 10)
    scarce, unknown = new_sku(), new_sku()
    await open_stock(inventory, vendor_id, scarce)
    await client.patch(f"/v1/vendors/{vendor_id}/inventory/{scarce}", json={"onHand": 1}, headers=headers)
    resp = await internal.post("/internal/v1/reservations", json={"reference": "o-3", "items": [
        {"sku": plenty, "qty": 4}, {"sku": scarce, "qty": 1}, {"sku": scarce, "qty": 1}, {"sku": unknown, "qty": 1}]})
    assert resp.status_code == 409
    assert {(e["sku"], e["requested"], e["available"]) for e in resp.json()["errors"]} == {(scarce, 2, 1),
                                                                                           (unknown, 1, -1)}
    assert (await numbers(client, plenty))["reserved"] == 0 and (await numbers(client, scarce))["reserved"] == 0


async def test_commit_takes_stock_out_once_and_closes_the_reservation(client, gateway, inventory, internal):
    _, sku, _ = await stocked(client, gateway, inventory, 5)
    made = await internal.post("/internal/v1/reservations", json={"reference": "o-4", "ttlMinutes": 30,
                                                                  "items": [{"sku": sku, "qty": 2}]})
    assert made.status_code == 201
    body = made.json()
    assert body["status"] == "active" and body["items"] == [{"sku": sku, "qty": 2}] and body["expiresAt"]
    rid = body["reservationId"]
    assert await numbers(client, sku) == {"sku": sku, "available": 3, "onHand": 5, "reserved": 2}
    for _ in range(2):  # commit twice = once
        done = await internal.post(f"/internal/v1/reservations/{rid}/commit")
        assert done.status_code == 200 and done.json()["status"] == "committed"
    assert await numbers(client, sku) == {"sku": sku, "available": 3, "onHand": 3, "reserved": 0}
    assert len(await outbox_events(inventory, "inventory.committed", reservationId=rid)) == 1
    assert [row[:3] for row in await ledger(inventory, sku)] == [("adjust", 5, 0), ("reserve", 0, 2),
                                                                 ("commit", -2, -2)]
    assert {row[3] for row in (await ledger(inventory, sku))[1:]} == {rid}
    assert (await internal.post(f"/internal/v1/reservations/{rid}/release")).status_code == 409


async def test_release_gives_stock_back_and_blocks_commit(client, gateway, inventory, internal):
    _, sku, _ = await stocked(client, gateway, inventory, 4)
    rid = (await internal.post("/internal/v1/reservations", json={"reference": "o-5", "items": [
        {"sku": sku, "qty": 4}]})).json()["reservationId"]
    for _ in range(2):
        resp = await internal.post(f"/internal/v1/reservations/{rid}/release")
        assert resp.status_code == 200 and resp.json()["status"] == "released"
    assert await numbers(client, sku) == {"sku": sku, "available": 4, "onHand": 4, "reserved": 0}
    released = await outbox_events(inventory, "inventory.released", reservationId=rid)
    assert [e["data"]["reason"] for e in released] == ["released"]
    late = await internal.post(f"/internal/v1/reservations/{rid}/commit")
    assert late.status_code == 409 and late.json()["errors"][0]["status"] == "released"
    for bad in ("not-a-uuid", new_id_str()):
        assert (await internal.post(f"/internal/v1/reservations/{bad}/commit")).status_code == 404


async def _expire_now(inventory, reservation_id: str) -> None:
    async with inventory.state.db.engine.begin() as conn:
        await conn.execute(text("UPDATE reservations SET expires_at = now() - interval '1 second' WHERE id = :id"),
                           {"id": reservation_id})


async def test_sweeper_releases_expired_reservations(client, gateway, inventory, internal):
    _, sku, _ = await stocked(client, gateway, inventory, 3)
    rid = (await internal.post("/internal/v1/reservations", json={"reference": "o-6", "ttlMinutes": 1, "items": [
        {"sku": sku, "qty": 3}]})).json()["reservationId"]
    assert (await numbers(client, sku))["available"] == 0
    await _expire_now(inventory, rid)
    # Two sweeps at once (other inventory processes sweep this database too): SKIP LOCKED, released once.
    await asyncio.gather(sweep_app(inventory), sweep_app(inventory))
    assert await numbers(client, sku) == {"sku": sku, "available": 3, "onHand": 3, "reserved": 0}
    status = (await internal.get(f"/internal/v1/reservations/{rid}")).json()["status"]
    assert status == "expired"
    released = await outbox_events(inventory, "inventory.released", reservationId=rid)
    assert [(e["data"]["reason"], e["data"]["status"]) for e in released] == [("expired", "expired")]
    assert (await internal.post(f"/internal/v1/reservations/{rid}/commit")).status_code == 409
    assert (await internal.post(f"/internal/v1/reservations/{rid}/release")).status_code == 200


async def test_background_sweeper_runs_from_the_lifespan(client, gateway, inventory, internal):
    assert inventory.state.sweeper is not None and not inventory.state.sweeper.done()
    _, sku, _ = await stocked(client, gateway, inventory, 2)
    rid = (await internal.post("/internal/v1/reservations", json={"reference": "o-7", "items": [
        {"sku": sku, "qty": 2}]})).json()["reservationId"]
    await _expire_now(inventory, rid)
    deadline = time.monotonic() + 20
    while (await internal.get(f"/internal/v1/reservations/{rid}")).json()["status"] == "active" \
            and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    assert await numbers(client, sku) == {"sku": sku, "available": 2, "onHand": 2, "reserved": 0}


async def test_internal_routes_need_the_service_token(client, inventory):
    body = {"reference": "o-8", "items": [{"sku": new_sku(), "qty": 1}]}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=inventory), base_url="http://i") as bare:
        missing = await bare.post("/internal/v1/reservations", json=body)
        wrong = await bare.post("/internal/v1/reservations", json=body, headers={"X-Internal-Token": "guess"})
    assert missing.status_code == 401 and wrong.status_code == 403
    assert wrong.headers["content-type"].startswith("application/problem+json")
    # The gateway does not route /internal at all.
    headers = {"X-Internal-Token": inventory.state.settings.internal_api_token}
    assert (await client.post("/internal/v1/reservations", json=body, headers=headers)).status_code == 404


async def test_received_return_goes_back_on_hand_once(client, gateway, inventory):
    vendor_id, sku, _ = await stocked(client, gateway, inventory, 4)
    returned = Envelope(type="order.returned", data=contract_for("order.returned").validate({
        "orderNo": "MKT-RMA-TEST", "rmaId": f"rma-{uuid.uuid4().hex[:8]}", "items": [{"sku": sku, "qty": 2, "amountMinor": 3998}]}))
    assert await inventory.state.consumer.handle(returned.to_json())
    assert not await inventory.state.consumer.handle(returned.to_json())  # redelivered: the inbox skips it
    assert await numbers(client, sku) == {"sku": sku, "available": 6, "onHand": 6, "reserved": 0}
    [restocked] = [e["data"] for e in await outbox_events(inventory, "inventory.adjusted", sku=sku, reason="restock")]
    assert restocked["delta"] == 2 and restocked["onHand"] == 6
