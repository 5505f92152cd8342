"""The shopper's journey in real Chromium, every step as a person clicks it: search with a typo (with
autocomplete) → product page → choose a variant → add to cart → coupon → checkout (new address, shipping choice)
→ pay with the simulated provider → the paid order → after delivery (the vendor's label and the carrier's scans,
set up through the API) the tracking shows it delivered and the shopper writes a review. Plus: a wrong coupon
shows the API's problem detail, and the product page works on a phone-sized screen."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api_token, register_shopper, sign_in
from tests.browser.shop_setup import deliver, letters, shop, typo

pytestmark = pytest.mark.timeout(600)
# Pages wait on several services; on a busy shared machine one can take seconds, past expect's 5 s default.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="module")
def teapot(web_base_url, api, admin_email) -> dict:
    return shop(web_base_url, api_token(api, admin_email))


def _signed_in(page, email: str) -> None:
    """sign_in, then wait until the boosted login has landed (its networkidle wait can return before the htmx
    POST finishes, and the next goto would cancel it)."""
    sign_in(page, email)
    expect(page.get_by_test_id("logout")).to_be_visible()


def _money(minor: int) -> str:
    return f"${minor / 100:,.2f}"


def test_shopper_journey(new_page, api, teapot, admin_email, web_base_url, shots):
    page = new_page()
    _signed_in(page, register_shopper(api, name="Grace Shopper"))

    # search with a typo: autocomplete offers the product as the shopper types, the results page finds it too
    page.goto("/")
    shots(page, "home")
    box = page.get_by_label("Search products")
    box.press_sequentially(typo(teapot["word"])[:6], delay=40)
    expect(page.get_by_test_id("suggestions").get_by_role("link", name=teapot["title"])).to_be_visible()
    shots(page, "autocomplete")
    box.fill(typo(teapot["word"]) + " teapot")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    results = page.get_by_test_id("results")
    expect(results.get_by_role("link", name=teapot["title"])).to_be_visible()
    expect(page.get_by_test_id("facets")).to_contain_text("Category")
    shots(page, "search results")

    # product page: image, variants with stock; pick the second colour and add two
    results.get_by_role("link", name=teapot["title"]).first.click()
    expect(page.get_by_test_id("product-title")).to_have_text(teapot["title"])
    expect(page.get_by_test_id("gallery").locator("img")).to_be_visible()
    expect(page.get_by_test_id("stock")).to_contain_text("In stock")
    page.get_by_label(re.compile("Colour: Sand")).check()
    page.get_by_label("Quantity").fill("2")
    shots(page, "product")
    page.get_by_test_id("add-to-cart").click()
    page.wait_for_url("**/cart")
    expect(page.get_by_test_id("notice")).to_contain_text("Added")
    sand_price = teapot["price_minor"] + 500
    expect(page.get_by_test_id("subtotal")).to_have_text(_money(2 * sand_price))

    # coupon: the server's totals show the discount
    page.get_by_label("Coupon code").fill(teapot["coupon"])
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("coupon-applied")).to_contain_text(teapot["coupon"])
    expect(page.get_by_test_id("discount")).to_have_text("−" + _money(2 * sand_price // 10))
    shots(page, "cart with coupon")

    # checkout: a new address, then the express rate, then place the order
    page.get_by_test_id("to-checkout").click()
    page.wait_for_url("**/checkout")
    page.get_by_label("Street and number").fill("12 Kiln Lane")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("Postal code").fill("97201")
    page.get_by_label("Country (two letters, e.g. US)").fill("US")
    page.get_by_test_id("save-address").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Address saved")
    shots(page, "checkout address saved")
    page.get_by_test_id("shipping-form").get_by_label(re.compile("Express")).check()
    page.wait_for_url(re.compile(r"method=express"))
    expect(page.get_by_test_id("shipping")).not_to_have_text("$0.00")
    expect(page.get_by_test_id("discount")).to_be_visible()
    total = page.get_by_test_id("total").inner_text()
    shots(page, "checkout")
    page.get_by_test_id("place-order").dblclick()  # a double click must still place one order
    page.wait_for_url(re.compile(r"/orders/[^/]+/pay$"))
    order_no = page.url.rstrip("/").split("/")[-2]
    expect(page.get_by_test_id("amount-due")).to_have_text(total)
    shots(page, "pay")

    # pay with the simulated provider: progress, then the paid order
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("payment-status")).to_be_visible()
    shots(page, "paying")
    page.wait_for_url(re.compile(rf"/orders/{order_no}$"), timeout=90_000)
    expect(page.get_by_test_id("order-status")).to_contain_text("paid")
    expect(page.get_by_test_id("order-total")).to_have_text(total)
    shots(page, "paid order")
    page.goto("/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)  # the double click made one order
    expect(page.get_by_test_id("order-row")).to_contain_text(order_no)

    # delivery happens outside the shop (vendor label, carrier scans); the shopper sees it and reviews
    deliver(web_base_url, api_token(api, admin_email), teapot["vendor"], order_no)
    page.get_by_role("link", name=order_no).click()
    for _ in range(60):  # orders learns of the delivery from shipping's events
        if page.get_by_test_id("write-review").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.get_by_test_id("tracking")).to_contain_text("delivered")
    review = page.get_by_test_id("write-review")
    review.get_by_label("★★★★★", exact=True).check()
    review.get_by_label("Title (optional)").fill("Pours beautifully")
    review.get_by_label("Your review (optional)").fill("No drips, keeps the tea hot.")
    shots(page, "delivered order")
    review.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("notice")).to_contain_text("review")
    shots(page, "reviewed")


def test_wrong_coupon_shows_the_api_problem_detail(new_page, api, teapot, shots):
    page = new_page()
    _signed_in(page, register_shopper(api))
    page.goto(f"/p/{teapot['product']['slug']}")
    page.get_by_test_id("add-to-cart").click()
    page.wait_for_url("**/cart")
    page.get_by_label("Coupon code").fill(f"NOPE{letters()}")
    page.get_by_role("button", name="Apply").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert "coupon" in alert.inner_text().lower(), alert.inner_text()
    assert "(input" not in alert.inner_text()  # the API's detail in words, not its error list's plumbing
    assert "Traceback" not in page.content()
    expect(page.get_by_label("Coupon code")).to_have_value(re.compile("^NOPE"))  # what they typed stays
    shots(page, "bad coupon")


def test_product_page_on_a_phone(new_page, teapot, shots):
    page = new_page(phone=True)
    page.goto(f"/p/{teapot['product']['slug']}")
    expect(page.get_by_test_id("product-title")).to_be_visible()
    expect(page.get_by_test_id("sign-in-to-buy")).to_be_visible()  # anonymous: a way to sign in, not a dead button
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px wide)"
    image = page.get_by_test_id("gallery").locator("img").bounding_box()
    assert image and image["width"] <= 390
    shots(page, "phone product")
    page.get_by_test_id("sign-in-to-buy").click()
    page.wait_for_url(re.compile(r"/login\?next=%2Fp%2F"))  # and back to this product after signing in
