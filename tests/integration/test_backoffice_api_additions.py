"""What the back office pages needed from the API, added without changing existing contracts:
GET /v1/admin/returns (the staff queue of return requests), GET/PATCH /v1/admin/shipping/rates (rate tables,
super admin only) and names beside ids in the admin analytics (warehouse dimensions)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kernel.ids import new_id_str
from tests.flows import active_product, approved_vendor, bearer
from tests.integration.orders_helpers import add_to_cart, feed, place, shopper, vendor_projected

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
async def shop(client, gateway, admin_token) -> dict:
    """One approved vendor with one product in stock (lighter than orders_helpers.shop)."""
    vendor = await approved_vendor(client, admin_token)
    product = await active_product(client, admin_token, vendor, price_minor=1_500, stock=20)
    await vendor_projected(gateway, vendor["id"])
    return {"va": vendor, "a": product}


def _staff(gateway) -> dict:
    return shopper(gateway, roles=("staff",))


async def _delivered_order(client, gateway, admin_token, who, sku: str) -> dict:
    await add_to_cart(client, who, sku, 2)
    resp = await place(client, who)
    assert resp.status_code == 201, resp.text
    order = resp.json()
    assert await feed(gateway, "payment.succeeded", {
        "paymentId": new_id_str(), "intentId": f"pi_{new_id_str()}", "orderNo": order["orderNo"],
        "amountMinor": order["totals"]["totalMinor"], "currency": "USD", "provider": "simulated",
        "succeededAt": datetime.now(timezone.utc).isoformat()})
    for status in ("shipped", "delivered"):
        moved = await client.patch(f"/v1/admin/orders/{order['orderNo']}/status", json={"status": status},
                                   headers=bearer(admin_token))
        assert moved.status_code == 200, moved.text
    return order


async def test_staff_list_return_requests_by_status(client, gateway, admin_token, shop):
    who = shopper(gateway)
    order = await _delivered_order(client, gateway, admin_token, who, shop["a"]["sku"])
    asked = await client.post(f"/v1/orders/{order['orderNo']}/returns",
                              json={"items": [{"sku": shop["a"]["sku"], "qty": 1}], "reason": "too small"},
                              headers=who["headers"])
    assert asked.status_code == 201, asked.text
    rma_id = asked.json()["rmaId"]
    staff = _staff(gateway)["headers"]

    listed = await client.get("/v1/admin/returns", params={"status": "requested", "perPage": 100}, headers=staff)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    mine = [r for r in body["items"] if r["rmaId"] == rma_id]
    assert len(mine) == 1 and mine[0]["orderNo"] == order["orderNo"] and mine[0]["reason"] == "too small"
    assert mine[0]["items"] == [{"sku": shop["a"]["sku"], "vendorId": shop["va"]["id"], "qty": 1,
                                 "amountMinor": mine[0]["amountMinor"]}] and mine[0]["amountMinor"] > 0
    assert body["total"] >= 1 and all(r["status"] == "requested" for r in body["items"])

    approved = await client.patch(f"/v1/admin/returns/{rma_id}", json={"status": "approved"}, headers=staff)
    assert approved.status_code == 200, approved.text
    still = (await client.get("/v1/admin/returns", params={"status": "requested", "perPage": 100},
                              headers=staff)).json()
    assert rma_id not in [r["rmaId"] for r in still["items"]]
    now = (await client.get("/v1/admin/returns", params={"status": "approved", "perPage": 100},
                            headers=staff)).json()
    assert rma_id in [r["rmaId"] for r in now["items"]]

    assert (await client.get("/v1/admin/returns", params={"status": "lost"}, headers=staff)).status_code == 422
    assert (await client.get("/v1/admin/returns", headers=who["headers"])).status_code == 403
    assert (await client.get("/v1/admin/returns")).status_code == 401


async def test_admin_reads_and_changes_shipping_rate_tables(client, gateway, admin_token):
    admin = bearer(admin_token)
    listed = await client.get("/v1/admin/shipping/rates", headers=admin)
    assert listed.status_code == 200, listed.text
    tables = {(t["zone"], t["serviceLevel"]): t for t in listed.json()["items"]}
    assert set(tables) == {(z, s) for z in ("domestic", "international") for s in ("standard", "express")}
    intl = tables[("international", "express")]
    assert intl["method"] == "table" and intl["brackets"][-1]["maxGrams"] is None
    assert (await client.get("/v1/admin/shipping/rates", headers=_staff(gateway)["headers"])).status_code == 403

    url = f"/v1/admin/shipping/rates/{intl['id']}"
    bad = [{"flatAmountMinor": 500},  # a weight table has no flat price
           {"brackets": [{"maxGrams": 500, "amountMinor": 1}, {"maxGrams": 500, "amountMinor": 2}]},
           {"etaDays": 0}, {"brackets": [{"maxGrams": None, "amountMinor": -1}]}]
    for body in bad:
        resp = await client.patch(url, json=body, headers=admin)
        assert resp.status_code == 422, (body, resp.text)
    assert (await client.patch("/v1/admin/shipping/rates/99999", json={"etaDays": 3},
                               headers=admin)).status_code == 404

    quote_body = {"items": [{"qty": 1, "weightGrams": 400}], "destination": {"country": "DE"}}
    # Other tests quote international express too: change it only for a moment, and put it back.
    new_brackets = [{**b, "amountMinor": b["amountMinor"] + 101} for b in intl["brackets"]]
    try:
        changed = await client.patch(url, json={"etaDays": intl["etaDays"] + 1, "brackets": new_brackets},
                                     headers=admin)
        assert changed.status_code == 200, changed.text
        assert changed.json()["etaDays"] == intl["etaDays"] + 1
        assert [b["amountMinor"] for b in changed.json()["brackets"]] == [b["amountMinor"] for b in new_brackets]
        rates = (await client.post("/v1/shipping/rates", json=quote_body)).json()["rates"]
        express = next(r for r in rates if r["serviceLevel"] == "express")
        assert (express["amountMinor"], express["etaDays"]) == (new_brackets[0]["amountMinor"],
                                                                 intl["etaDays"] + 1)
    finally:
        restored = await client.patch(url, json={"etaDays": intl["etaDays"], "brackets": intl["brackets"]},
                                      headers=admin)
        assert restored.status_code == 200 and restored.json()["brackets"] == intl["brackets"]


@pytest.mark.parametrize(("metric", "id_col", "name_col"), [
    ("top_categories", "category_id", "category"), ("low_stock", "vendor_id", "vendor"),
    ("on_time_delivery", "vendor_id", "vendor"), ("top_products", "product_id", "title")])
async def test_admin_analytics_name_the_ids(client, admin_token, metric, id_col, name_col):
    resp = await client.get(f"/v1/admin/analytics/{metric}", params={"days": 3650}, headers=bearer(admin_token))
    assert resp.status_code == 200, resp.text
    columns = resp.json()["columns"]
    assert columns[columns.index(id_col) + 1] == name_col
    assert all(name_col in row for row in resp.json()["rows"])
