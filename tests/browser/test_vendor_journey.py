"""The vendor journey in real Chromium, as a vendor clicks it: apply (KYC upload, bank account) → the admin
approves → submit a product with an image → the admin approves → set stock (low-stock alert) → see a shopper's
order → ship it → see earnings → read the forecast (first the honest "no forecast yet", then the forecasting run's
output with its plot) → accept a price suggestion. Then: a vendor never sees another vendor's data by editing an
address, and the pages fit a phone. The admin's approvals, the shopper's order and the forecasting run's output
are set up through the API (tests/browser/vendor_setup.py)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api_token, register_shopper, sign_in, unique
from tests.browser.vendor_setup import (PDF, approve_product, approve_vendor, bearer, my_vendor, new_category,
                                        paid_order, png_bytes, seed_forecast, seed_price, wait_for)

IBAN = "GB82 WEST 1234 5698 7654 32"
expect.set_options(timeout=30_000)  # the pages wait on the real stack, which shares two cores with other runs


def reload_until(page, url: str, locator_of, what: str, timeout: float = 180) -> None:
    """Reload `url` until the element shows (an event still travelling through Kafka)."""
    def visible():
        page.goto(url)
        return locator_of(page).count() > 0

    wait_for(visible, bool, what, timeout=timeout)


def apply_and_get_approved(page, api, admin_token: str, email: str, shots, tmp_path) -> dict:
    page.goto("/vendor/apply")
    page.get_by_label("Shop name").fill(f"Lumen Lamps {unique('x')}")
    page.get_by_label("Support email").fill(email)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("application-status")).to_have_text("pending")

    doc = tmp_path / "registration.pdf"
    doc.write_bytes(PDF)
    page.get_by_label("Document type").select_option("business_registration")
    page.get_by_label(re.compile("^File")).set_input_files(str(doc))
    page.get_by_role("button", name="Upload document").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Document uploaded")
    expect(page.get_by_test_id("kyc-list")).to_contain_text("business registration")

    page.get_by_label("Account holder").fill("Lumen Lamps Ltd")
    page.get_by_label("Bank name").fill("West Bank")
    page.get_by_label(re.compile("^Country")).fill("GB")
    page.get_by_label("IBAN or account number").fill(IBAN)
    page.get_by_role("button", name="Add bank account").click()
    expect(page.get_by_test_id("bank-list")).to_contain_text("****5432")
    shots(page, "application pending")

    vendor = my_vendor(api, api_token(api, email))
    approve_vendor(api, admin_token, vendor["id"])  # the admin's act, through the API
    # The page trades the refresh cookie for a token carrying vendorId once auth has seen vendor.approved.
    reload_until(page, "/vendor/apply", lambda p: p.get_by_test_id("open-portal"), "the vendor token")
    shots(page, "application approved")
    page.get_by_test_id("open-portal").click()
    page.wait_for_url("**/vendor")
    expect(page.locator("main")).to_have_attribute("data-role", "vendor_admin")
    return vendor


def submit_product(page, category: dict, sku: str, image_path) -> str:
    """Fill and send the form; the catalog refuses (403) until it has seen vendor.approved, so send again."""
    for _ in range(40):
        page.goto("/vendor/products/new")
        page.get_by_label("Title").fill("Brass desk lamp")
        page.get_by_label("Description").fill("A warm light for late work.")
        page.get_by_label("Categories").select_option(category["id"])
        page.get_by_label(re.compile("^Option name")).fill("Finish")
        page.get_by_label("SKU of variant 1").fill(sku)
        page.get_by_label("Option value of variant 1").fill("Brass")
        page.get_by_label("Price of variant 1", exact=True).fill("49.90")
        page.get_by_label(re.compile("^Images")).set_input_files(str(image_path))
        page.get_by_role("button", name="Submit for review").click()
        page.locator("[data-testid=product-status], [data-testid=problem]").first.wait_for()
        if re.search(r"/vendor/products/[0-9a-f-]{36}$", page.url):
            return page.url.rsplit("/", 1)[1]
        problem = page.get_by_test_id("problem").inner_text()
        assert "active vendor" in problem, problem
        page.wait_for_timeout(500)
    raise AssertionError("the catalog never accepted the approved vendor")


@pytest.mark.timeout(900)  # the real stack's events (approval → token, product → stock row, paid → earning)
def test_vendor_journey(new_page, api, admin_email, shots, tmp_path):
    admin_token = api_token(api, admin_email)
    email = register_shopper(api, name="Vera Vendor")
    page = new_page()
    sign_in(page, email)
    page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    expect(page.locator("main")).to_have_attribute("data-role", "customer")
    vendor = apply_and_get_approved(page, api, admin_token, email, shots, tmp_path)
    shots(page, "dashboard")

    # Products: submit with an image and a variant, see it pending, the admin approves, see it active.
    sku = f"LAMP-{unique('s').split('-')[1].upper()}"
    image = tmp_path / "lamp.png"
    image.write_bytes(png_bytes())
    product_id = submit_product(page, new_category(api, admin_token), sku, image)
    assert page.get_by_test_id("product-status").inner_text() == "pending"
    assert page.get_by_test_id("images").locator("img").count() == 1
    assert "$49.90" in page.get_by_test_id("variants").inner_text()
    shots(page, "product submitted")
    approve_product(api, admin_token, product_id)
    page.goto("/vendor/products")
    row = page.get_by_test_id("product-row").filter(has_text="Brass desk lamp")
    assert row.get_by_test_id("status").inner_text() == "active"
    shots(page, "products")

    # Stock: the row opens when inventory sees product.created; 3 on hand under a reorder point of 5 is low.
    reload_until(page, "/vendor/stock", lambda p: p.locator(f"tr[data-sku='{sku}']"), "the stock row")
    row = page.locator(f"tr[data-sku='{sku}']")
    row.get_by_label("On hand").fill("3")
    row.get_by_label("Reorder point").fill("5")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("3 available")
    expect(page.get_by_test_id("low-stock-count")).to_contain_text("1 SKU at or under")
    expect(page.locator(f"tr[data-sku='{sku}']")).to_have_attribute("data-low", "true")
    shots(page, "stock low alert")
    row = page.locator(f"tr[data-sku='{sku}']")
    row.get_by_label("On hand").fill("12")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("notice")).to_contain_text("12 available")
    expect(page.get_by_test_id("low-stock-count")).to_contain_text("No SKU")

    # A shopper buys it (setup through the API); the vendor sees the order and ships it.
    order_no = paid_order(api, api_token(api, register_shopper(api)), sku)
    page.goto("/vendor/orders")
    order = page.locator(f"article[data-order-no='{order_no}']")
    assert order.get_by_test_id("order-status").inner_text() == "processing"
    shots(page, "order to ship")
    item = order.locator(f"tr[data-sku='{sku}']")
    item.get_by_label("Carrier").select_option("DHL")
    item.get_by_label("Tracking number").fill("DHL123456789")
    item.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_test_id("notice")).to_contain_text(f"order {order_no} shipped")
    shipped = page.locator(f"article[data-order-no='{order_no}'] tr[data-sku='{sku}']")
    expect(shipped.get_by_test_id("item-status")).to_have_text("shipped")
    assert "DHL123456789" in shipped.inner_text()
    shots(page, "order shipped")

    # Earnings: the paid order's net appears (payments reacts to order.paid).
    reload_until(page, "/vendor/earnings", lambda p: p.get_by_test_id("earning-row").filter(has_text=order_no),
                 "the order's earning")
    earning = page.get_by_test_id("earning-row").filter(has_text=order_no).inner_text()
    assert "$49.90" in earning
    shots(page, "earnings")

    # Forecast: a brand-new vendor has none, and the page says so; then the forecasting run's output arrives.
    page.goto("/vendor/forecasts")
    assert "No forecast yet" in page.get_by_test_id("no-forecast").inner_text()
    shots(page, "no forecast yet")
    stockout = seed_forecast(vendor["id"], sku, product_id, stock=12)
    page.goto("/vendor/forecasts")
    forecast = page.locator(f"tr[data-sku='{sku}']")
    assert forecast.get_by_test_id("days-to-stockout").inner_text() == "6.0"
    assert forecast.get_by_test_id("reorder-qty").inner_text() == "24"
    page.wait_for_selector("canvas[data-drawn='true']")
    assert stockout.isoformat() in page.get_by_test_id("stockout-date").inner_text()
    shots(page, "forecast plot")

    # A price suggestion with its confidence; accepting sets the price in the catalog.
    seed_price(vendor["id"], sku, product_id, current=4990, suggested=5290)
    page.goto("/vendor/prices")
    suggestion = page.locator(f"tr[data-sku='{sku}']")
    assert suggestion.get_by_test_id("confidence").inner_text().startswith("82%")
    shots(page, "price suggestions")
    suggestion.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("notice")).to_contain_text("suggested price")
    expect(page.locator(f"tr[data-sku='{sku}']").get_by_test_id("decision")).to_have_text("accepted")
    product = api.get(f"/v1/vendors/{vendor['id']}/products/{product_id}",
                      headers=bearer(api_token(api, email))).json()
    assert product["variants"][0]["priceMinor"] == 5290
