"""A vendor never sees another vendor's data, even by editing an address: pages take the vendor from the
viewer's token, so another vendor's product, SKU or id in a URL, query or form shows nothing of theirs (404 or
the viewer's own data). And the vendor pages fit a phone's screen. Two vendors are set up through the API."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api_token, sign_in
from tests.browser.vendor_setup import bearer, seed_forecast, seed_price
from tests.flows import active_product, approved_vendor

expect.set_options(timeout=30_000)


def two_vendors(base_url: str, admin_token: str) -> tuple[dict, dict]:
    async def make():
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            # Generous waits: each step waits for an event to cross Kafka on a shared, busy machine.
            a, b = (await approved_vendor(client, admin_token, timeout=180),
                    await approved_vendor(client, admin_token, timeout=180))
            a["product"] = await active_product(client, admin_token, a, stock=4, title="Alpha kettle", timeout=180)
            b["product"] = await active_product(client, admin_token, b, stock=7, title="Beta secret teapot",
                                                timeout=180)
            return a, b

    # Playwright's sync API owns this thread's event loop: the async setup helpers run on a thread of their own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, make()).result()


@pytest.mark.timeout(600)
def test_edited_urls_never_show_another_vendors_data(new_page, api, admin_email, web_base_url, shots):
    a, b = two_vendors(web_base_url, api_token(api, admin_email))
    b_sku, b_product = b["product"]["sku"], b["product"]["id"]
    seed_forecast(b["id"], b_sku, b_product, stock=7)
    seed_price(b["id"], b_sku, b_product, current=1000, suggested=1100)
    seed_forecast(a["id"], a["product"]["sku"], a["product"]["id"], stock=4)

    page = new_page()
    sign_in(page, a["owner"]["email"], a["owner"]["password"])
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)

    # Another vendor's product id in the address: not found, nothing of it on the page.
    response = page.goto(f"/vendor/products/{b_product}")
    assert response.status == 404 and "Beta secret teapot" not in page.content()
    # Another vendor's id in a query is ignored: the pages list the viewer's own rows only.
    for url in (f"/vendor/stock?vendorId={b['id']}", f"/vendor/products?vendor={b['id']}",
                f"/vendor/orders?vendorId={b['id']}", f"/vendor/forecasts?vendorId={b['id']}&sku={b_sku}",
                f"/vendor/prices?vendorId={b['id']}"):
        response = page.goto(url)
        assert response.status == 200, url
        assert b_sku not in page.content() and "Beta secret teapot" not in page.content(), url
    expect(page.get_by_test_id("no-prices")).to_be_visible()
    page.goto(f"/vendor/stock?vendorId={b['id']}")
    expect(page.locator(f"tr[data-sku='{a['product']['sku']}']")).to_be_visible()
    shots(page, "own stock despite another vendor's id")

    # Another vendor's SKU in the forecast plot's address: the API refuses it, the page says so in words.
    response = page.goto(f"/vendor/forecasts/chart?sku={b_sku}")
    assert response.status == 404 and "forecast-chart" not in page.content()
    assert "No forecast" in page.get_by_test_id("problem").inner_text()

    # A form posted at another vendor's SKU (the request edited by hand, with this session's cookies and CSRF
    # token) changes nothing of theirs and says why.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(f"/vendor/stock/{b_sku}", form={"on_hand": "99", "csrftoken": csrf},
                               max_redirects=0)
    assert posted.status == 404 and "No stock for SKU" in posted.text(), posted.text()[-1500:]
    assert api.get(f"/v1/inventory/{b_sku}").json()["onHand"] == 7
    page.set_content(posted.text())
    shots(page, "another vendor's sku refused")

    # The API refuses the other vendor's id outright, for the same token the pages use.
    token = api_token(api, a["owner"]["email"], a["owner"]["password"])
    assert api.get(f"/v1/vendors/{b['id']}/inventory", headers=bearer(token)).status_code == 403


@pytest.mark.timeout(600)
def test_vendor_pages_fit_a_phone(new_page, api, admin_email, web_base_url, shots):
    a, _ = two_vendors(web_base_url, api_token(api, admin_email))
    seed_forecast(a["id"], a["product"]["sku"], a["product"]["id"], stock=4)
    page = new_page(phone=True)
    sign_in(page, a["owner"]["email"], a["owner"]["password"])
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    for path, name in (("/vendor", "phone dashboard"), ("/vendor/stock", "phone stock"),
                       ("/vendor/products/new", "phone product form"), ("/vendor/forecasts", "phone forecast")):
        page.goto(path)
        if path == "/vendor/forecasts":
            page.wait_for_selector("canvas[data-drawn='true']")
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        if path == "/vendor/stock":  # the row's form is reachable without scrolling sideways
            box = page.get_by_role("button", name="Save").first.bounding_box()
            assert box and box["x"] + box["width"] <= 390
        shots(page, name)
