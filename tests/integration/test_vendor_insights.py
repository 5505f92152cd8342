"""Vendor forecasts and price suggestions through the gateway, on batch predictions of the test's own vendors in
the real warehouse; the pricing_ai flag through the real admin API; accept sets the price in the real catalog."""
from __future__ import annotations

import asyncio
import socket
import time
import uuid
from datetime import date, timedelta

import pytest

from apps.serving.warehouse import VendorInsightsStore
from kernel.ids import new_id_str
from kernel.settings import CommonSettings
from tests.integration.catalog_helpers import active_vendor, approve, category_tree, create_product, product_body
from tests.integration.vendor_insights_helpers import now, write_daily, write_plan, write_price


def bearer(gateway, *roles: str, vendor_id: str | None = None) -> dict[str, str]:
    issuer = gateway.state.services["auth"].state.issuer
    token = issuer.access_token(user_id=new_id_str(), roles=list(roles), vendor_id=vendor_id)
    return {"Authorization": f"Bearer {token}"}


def sku() -> str:
    return f"VI-{uuid.uuid4().hex[:10].upper()}"


async def set_pricing(client, admin_token: str, enabled: bool) -> None:
    resp = await client.put("/v1/admin/feature-flags/pricing_ai", json={"enabled": enabled},
                            headers={"Authorization": f"Bearer {admin_token}"})
    assert resp.status_code == 200, resp.text


async def wait_status(fetch, status: int, timeout: float = 5.0):
    """Replicas cache flags for FEATURE_FLAGS_CACHE_SECONDS: a change shows within that time."""
    deadline = time.monotonic() + timeout
    while True:
        resp = await fetch()
        if resp.status_code == status or time.monotonic() > deadline:
            return resp
        await asyncio.sleep(0.2)


@pytest.fixture
def vendor(gateway, stack):
    vendor_id = new_id_str()
    return {"id": vendor_id, "headers": bearer(gateway, "vendor_admin", vendor_id=vendor_id)}


async def test_forecasts_soonest_stockout_first_and_sku_filter(client, vendor):
    soon, later, never, idle = sku(), sku(), sku(), sku()
    write_plan(vendor["id"], idle, days_to_stockout=0.0, reorder_qty=0, stock=0, units=0.0)  # sells nothing
    write_plan(vendor["id"], later, days_to_stockout=20.0, reorder_qty=0, stock=10)
    write_plan(vendor["id"], never, days_to_stockout=None, reorder_qty=0, stock=3)
    write_plan(vendor["id"], soon, days_to_stockout=2.5, reorder_qty=40, stock=1, version="6")
    write_plan(vendor["id"], soon, days_to_stockout=3.0, reorder_qty=30, stock=2)  # a newer run replaces it
    resp = await client.get(f"/v1/vendors/{vendor['id']}/forecasts", headers=vendor["headers"])
    assert resp.status_code == 200, resp.text
    rows = resp.json()
    assert [r["sku"] for r in rows] == [soon, later, idle, never]
    first = rows[0]
    assert {k: first[k] for k in ("horizonDays", "forecastQty", "daysToStockout", "reorderQty", "modelVersion")} == \
        {"horizonDays": 28, "forecastQty": 14.0, "daysToStockout": 3.0, "reorderQty": 30, "modelVersion": "7"}
    assert first["stockoutDate"] == (date.today() + timedelta(days=3)).isoformat() and rows[3]["daysToStockout"] is None
    one = await client.get(f"/v1/vendors/{vendor['id']}/forecasts", params={"sku": later}, headers=vendor["headers"])
    assert [r["sku"] for r in one.json()] == [later]


async def test_daily_series_takes_the_newest_run_only(client, vendor, gateway):
    s = sku()
    write_plan(vendor["id"], s, days_to_stockout=9.0, reorder_qty=5, stock=4)
    old, new = now() - timedelta(hours=2), now()
    write_daily(s, 30, generated_at=old, start=date.today() - timedelta(days=2))
    write_daily(s, 28, generated_at=new, start=date.today())
    resp = await client.get(f"/v1/vendors/{vendor['id']}/forecasts/{s}/daily", headers=vendor["headers"])
    assert resp.status_code == 200, resp.text
    days = resp.json()["days"]
    assert len(days) == 28 and days[0]["date"] == date.today().isoformat() and days[0]["qty"] == 0.5
    other = bearer(gateway, "vendor_admin", vendor_id=new_id_str())
    theirs = new_id_str()
    resp = await client.get(f"/v1/vendors/{theirs}/forecasts/{s}/daily",
                            headers=bearer(gateway, "vendor_admin", vendor_id=theirs))
    assert resp.status_code == 404  # another vendor cannot read this SKU's series through its own id
    assert (await client.get(f"/v1/vendors/{vendor['id']}/forecasts/{s}/daily", headers=other)).status_code == 403


async def test_access_is_fenced(client, gateway, vendor):
    write_plan(vendor["id"], sku(), days_to_stockout=5.0, reorder_qty=1, stock=1)
    url = f"/v1/vendors/{vendor['id']}/forecasts"
    other_vendor = bearer(gateway, "vendor_admin", vendor_id=new_id_str())
    assert (await client.get(url, headers=other_vendor)).status_code == 403
    assert (await client.get(f"/v1/vendors/{vendor['id']}/price-suggestions", headers=other_vendor)).status_code == 403
    assert (await client.get(url, headers=bearer(gateway, "customer"))).status_code == 403
    assert (await client.get(url)).status_code == 401
    for roles in (("staff",), ("super_admin",)):
        resp = await client.get(url, headers=bearer(gateway, *roles))
        assert resp.status_code == 200 and len(resp.json()) == 1


@pytest.mark.parametrize("path,params", [
    ("/v1/vendors/not-a-uuid/forecasts", {}),
    ("/v1/vendors/{v}/forecasts", {"sku": "bad sku!"}),
    ("/v1/vendors/{v}/forecasts", {"sku": "x" * 200}),
    ("/v1/vendors/{v}/forecasts", {"limit": 0}),
    ("/v1/vendors/{v}/forecasts", {"offset": -1}),
    ("/v1/vendors/{v}/price-suggestions", {"limit": "many"}),
    ("/v1/vendors/{v}/forecasts/bad%20sku%21/daily", {}),
])
async def test_bad_input_is_422(client, gateway, vendor, path, params):
    headers = bearer(gateway, "super_admin")
    resp = await client.get(path.format(v=vendor["id"]), params=params, headers=headers)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")


async def test_price_suggestions_follow_the_pricing_flag(client, gateway, admin_token, vendor):
    s = sku()
    write_price(vendor["id"], s, current=1000, suggested=1090, confidence=0.72)
    url = f"/v1/vendors/{vendor['id']}/price-suggestions"
    try:
        await set_pricing(client, admin_token, True)
        resp = await wait_status(lambda: client.get(url, headers=vendor["headers"]), 200)
        assert resp.status_code == 200, resp.text
        [row] = resp.json()
        assert {k: row[k] for k in ("sku", "currentPriceMinor", "suggestedPriceMinor", "confidence")} == \
            {"sku": s, "currentPriceMinor": 1000, "suggestedPriceMinor": 1090, "confidence": 0.72}
        assert row["status"] == "open" and row["changePct"] == 9.0
        await set_pricing(client, admin_token, False)
        off = await wait_status(lambda: client.get(url, headers=vendor["headers"]), 404)
        assert off.status_code == 404 and off.json()["type"].endswith("feature-disabled"), off.text
        assert "pricing_ai" in off.json()["detail"]
        # forecasts are not behind the flag
        assert (await client.get(f"/v1/vendors/{vendor['id']}/forecasts", headers=vendor["headers"])).status_code == 200
    finally:
        await set_pricing(client, admin_token, True)


async def test_dismiss_is_recorded_once_per_run(client, gateway, admin_token, vendor):
    s = sku()
    write_price(vendor["id"], s, current=2000, suggested=1800)
    await set_pricing(client, admin_token, True)
    base = f"/v1/vendors/{vendor['id']}/price-suggestions"
    await wait_status(lambda: client.get(base, headers=vendor["headers"]), 200)
    assert (await client.post(f"{base}/{s}/dismiss", headers=bearer(gateway, "staff"))).status_code == 403
    resp = await client.post(f"{base}/{s}/dismiss", json={"note": "seasonal"}, headers=vendor["headers"])
    assert resp.status_code == 200, resp.text
    assert resp.json()["decision"] == "dismissed" and resp.json()["applied"] is False
    assert (await client.post(f"{base}/{s}/accept", headers=vendor["headers"])).status_code == 409
    assert (await client.get(base, headers=vendor["headers"])).json()[0]["status"] == "dismissed"
    write_price(vendor["id"], s, current=2000, suggested=1900)  # a new run: open again
    assert (await client.get(base, headers=vendor["headers"])).json()[0]["status"] == "open"
    assert (await client.post(f"{base}/NOPE-{s}/dismiss", headers=vendor["headers"])).status_code == 404


async def test_accept_sets_the_price_in_the_catalog(client, gateway, admin_token):
    vendor = await active_vendor(gateway)
    cats = await category_tree(client, admin_token)
    product = await create_product(client, vendor, product_body([cats["child"]["id"]], prices=(1500,)))
    await approve(client, admin_token, product["id"])
    variant_sku = product["variants"][0]["sku"]
    write_price(vendor["id"], variant_sku, current=1500, suggested=1650, product_id=product["id"])
    await set_pricing(client, admin_token, True)
    headers = {"Authorization": f"Bearer {vendor['token']}"}
    resp = await client.post(f"/v1/vendors/{vendor['id']}/price-suggestions/{variant_sku}/accept", headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json()["applied"] is True and resp.json()["suggestedPriceMinor"] == 1650
    got = await client.get(f"/v1/vendors/{vendor['id']}/products/{product['id']}", headers=headers)
    assert got.json()["variants"][0]["priceMinor"] == 1650


async def test_accept_refused_by_the_catalog_records_nothing(client, gateway, admin_token, vendor):
    s = sku()
    write_price(vendor["id"], s, current=1000, suggested=1100)  # a product the catalog does not know
    await set_pricing(client, admin_token, True)
    base = f"/v1/vendors/{vendor['id']}/price-suggestions"
    resp = await client.post(f"{base}/{s}/accept", headers=vendor["headers"])
    assert resp.status_code == 409, resp.text
    assert (await client.get(base, headers=vendor["headers"])).json()[0]["status"] == "open"


async def test_warehouse_down_is_503(client, gateway, vendor):
    serving = gateway.state.services["serving"]
    with socket.socket() as s:  # a port nobody listens on: a real dead server, not a mock
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    saved = serving.state.vendor_insights
    serving.state.vendor_insights = VendorInsightsStore(CommonSettings(clickhouse_url=f"http://127.0.0.1:{port}"))
    try:
        resp = await client.get(f"/v1/vendors/{vendor['id']}/forecasts", headers=vendor["headers"])
    finally:
        serving.state.vendor_insights = saved
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json") and "warehouse" in resp.json()["detail"]
