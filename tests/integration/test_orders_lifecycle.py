"""An order's life after checkout: payment (stock committed), vendor views and shipping, delivery, a return and a
partial refund; payment failure and admin cancellation giving stock back; illegal status changes. Payment and
shipping events are handed to the orders consumer exactly as Kafka would deliver them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kernel.ids import new_id_str
from tests.flows import bearer
from tests.integration.orders_helpers import (
    add_to_cart,
    events,
    feed,
    place,
    shop,  # noqa: F401 - the module's shared fixture
    shopper,
    stock,
)

pytestmark = pytest.mark.timeout(180)
NOW = datetime.now(timezone.utc).isoformat()


async def _order(client, gateway, who, *lines) -> dict:
    for sku, qty in lines:
        await add_to_cart(client, who, sku, qty)
    resp = await place(client, who)
    assert resp.status_code == 201, resp.text
    return resp.json()


async def _paid(gateway, order: dict) -> None:
    assert await feed(gateway, "payment.succeeded", {
        "paymentId": new_id_str(), "intentId": f"pi_{new_id_str()}", "orderNo": order["orderNo"],
        "amountMinor": order["totals"]["totalMinor"], "currency": "USD", "provider": "simulated",
        "succeededAt": NOW})


async def _get(client, who, order_no: str) -> dict:
    resp = await client.get(f"/v1/orders/{order_no}", headers=who["headers"])
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_paid_shipped_delivered_returned_refunded(client, gateway, admin_token, shop):
    who, va, vb = shopper(gateway), shop["va"], shop["vb"]
    sku_a, sku_b = shop["a"]["sku"], shop["b"]["sku"]
    order = await _order(client, gateway, who, (sku_a, 2), (sku_b, 1))
    no = order["orderNo"]
    ship_a = f"/v1/vendors/{va['id']}/orders/{no}/items/{sku_a}/ship"
    assert (await client.patch(ship_a, json={"carrier": "DHL", "trackingNo": "T1"},
                               headers=va["headers"])).status_code == 409  # unpaid
    before = await stock(client, sku_a)

    await _paid(gateway, order)
    paid = await _get(client, who, no)
    assert (paid["status"], paid["paymentStatus"]) == ("processing", "paid")
    after = await stock(client, sku_a)
    assert (after["onHand"], after["reserved"]) == (before["onHand"] - 2, before["reserved"] - 2)
    assert len(await events(gateway, "order.paid", no)) == 1

    theirs = await client.get(f"/v1/vendors/{va['id']}/orders", headers=va["headers"])
    mine = next(o for o in theirs.json()["items"] if o["orderNo"] == no)
    assert [i["sku"] for i in mine["items"]] == [sku_a] and mine["vendorSplit"]["vendorId"] == va["id"]
    assert (await client.get(f"/v1/vendors/{vb['id']}/orders", headers=va["headers"])).status_code == 403

    shipped = await client.patch(ship_a, json={"carrier": "DHL", "trackingNo": "T1"}, headers=va["headers"])
    assert shipped.status_code == 200 and shipped.json()["items"][0]["status"] == "shipped"
    assert (await _get(client, who, no))["status"] == "processing"  # vendor B has not shipped yet
    assert await feed(gateway, "shipping.label_created", {
        "orderNo": no, "vendorId": vb["id"], "trackingNo": "T2", "carrier": "UPS", "serviceLevel": "standard"})
    assert (await _get(client, who, no))["status"] == "shipped"
    assert sorted(e["vendorId"] for e in await events(gateway, "order.fulfilled", no)) == sorted([va["id"], vb["id"]])

    for vendor_id, tracking in ((va["id"], "T1"), (vb["id"], "T2")):
        assert await feed(gateway, "shipping.delivered", {
            "trackingNo": tracking, "orderNo": no, "vendorId": vendor_id, "deliveredAt": NOW, "late": False,
            "promisedAt": NOW})
    delivered = await _get(client, who, no)
    assert delivered["status"] == "delivered" and len(await events(gateway, "order.delivered", no)) == 1

    returns = f"/v1/orders/{no}/returns"
    too_many = await client.post(returns, json={"items": [{"sku": sku_a, "qty": 3}], "reason": "broken"},
                                 headers=who["headers"])
    assert too_many.status_code == 422
    stranger = shopper(gateway)
    assert (await client.post(returns, json={"items": [{"sku": sku_a, "qty": 1}], "reason": "x"},
                              headers=stranger["headers"])).status_code == 404
    rma = await client.post(returns, json={"items": [{"sku": sku_a, "qty": 1}], "reason": "broken"},
                            headers=who["headers"])
    assert rma.status_code == 201 and rma.json()["status"] == "requested", rma.text
    assert rma.json()["amountMinor"] == 1_500
    assert (await client.post(returns, json={"items": [{"sku": sku_a, "qty": 2}], "reason": "again"},
                              headers=who["headers"])).status_code == 422  # 1 of 2 already asked back
    admin = bearer(admin_token)
    rma_url = f"/v1/admin/returns/{rma.json()['rmaId']}"
    assert (await client.patch(rma_url, json={"status": "received"}, headers=who["headers"])).status_code == 403
    assert (await client.patch(rma_url, json={"status": "approved"}, headers=admin)).status_code == 200
    assert (await client.patch(rma_url, json={"status": "received"}, headers=admin)).status_code == 200
    assert (await client.patch(rma_url, json={"status": "approved"}, headers=admin)).status_code == 409
    returned = await events(gateway, "order.returned", no)
    assert len(returned) == 1 and returned[0]["items"][0]["qty"] == 1
    assert len(await events(gateway, "order.return_requested", no)) == 1

    assert await feed(gateway, "payment.refunded", {
        "refundId": new_id_str(), "orderNo": no, "amountMinor": 1_500, "currency": "USD", "reason": "return",
        "full": False})
    final = await _get(client, who, no)
    assert (final["paymentStatus"], final["refundedMinor"]) == ("partial", 1_500)
    illegal = await client.patch(f"/v1/admin/orders/{no}/status", json={"status": "processing"}, headers=admin)
    assert illegal.status_code == 409
    kinds = [t["kind"] for t in final["timeline"]]
    assert {"status", "payment", "shipment", "delivery", "return"} <= set(kinds)


async def test_payment_failure_and_admin_cancel_give_stock_back(client, gateway, admin_token, shop):
    sku = shop["a"]["sku"]
    first, second = shopper(gateway), shopper(gateway)
    failing = await _order(client, gateway, first, (sku, 1))
    cancelled = await _order(client, gateway, second, (sku, 1))
    reserved = (await stock(client, sku))["reserved"]

    assert await feed(gateway, "payment.failed", {"intentId": "pi_x", "orderNo": failing["orderNo"],
                                                  "reason": "card_declined"})
    assert (await _get(client, first, failing["orderNo"]))["paymentStatus"] == "failed"
    assert (await stock(client, sku))["reserved"] == reserved - 1

    admin = bearer(admin_token)
    url = f"/v1/admin/orders/{cancelled['orderId']}/status"  # by id works as well as by order number
    resp = await client.patch(url, json={"status": "cancelled", "note": "customer called"}, headers=admin)
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled", resp.text
    assert (await stock(client, sku))["reserved"] == reserved - 2
    assert (await client.patch(url, json={"status": "processing"}, headers=admin)).status_code == 409
    assert (await client.patch(url, json={"status": "returned"}, headers=admin)).status_code == 409
    assert (await client.patch(url, json={"status": "lost"}, headers=admin)).status_code == 422
    listed = await client.get("/v1/admin/orders", params={"status": "cancelled", "perPage": 100}, headers=admin)
    assert listed.status_code == 200 and listed.json()["total"] >= 1
    cancel_events = await events(gateway, "order.cancelled", cancelled["orderNo"])
    assert cancel_events[0]["reason"] == "admin"
