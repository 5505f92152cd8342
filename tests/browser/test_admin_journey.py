"""The back office in Chromium: a super admin approves a vendor (with its KYC document in view), refunds part of
a paid order (and reads the API's refusal of too large a refund in words), processes a payout to paid, flips a
feature flag and reads the analytics plots; staff get support (orders, refunds, returns) but not settings, in the
pages and in the API. Setup goes through the API (tests/browser/admin_setup.py); every journey step is clicked."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect

from tests.browser import admin_setup
from tests.browser.conftest import api_token, sign_in
from tests.flows import bearer


# The local stack shares two cores with other test sessions: a page that makes a dozen API calls can take seconds.
SLOW = 30_000


def _sign_in(page, email: str) -> None:
    page.set_default_timeout(SLOW)
    sign_in(page, email)
    page.wait_for_url("**/admin", timeout=60_000)  # staff and admins land on the back office


def _eventually(fetch, until, what: str, timeout: float = 60.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if until(result):
            return result
        last = str(getattr(result, "text", result))[:300]
        assert time.monotonic() < deadline, f"timed out waiting for {what}; last: {last}"
        time.sleep(0.5)


def test_admin_approves_refunds_pays_out_and_changes_a_flag(new_page, api, admin_email, web_base_url, shots):
    admin_token = api_token(api, admin_email)
    admin = bearer(admin_token)
    with ThreadPoolExecutor(1) as pool:  # the paid order crosses Kafka several times: make it while we click
        order_job = pool.submit(admin_setup.paid_order, web_base_url, admin_token)
        application = admin_setup.vendor_application(api)

        page = new_page()
        _sign_in(page, admin_email)
        assert page.locator("main").get_attribute("data-role") == "super_admin"
        expect(page.get_by_test_id("queues")).to_be_visible(timeout=SLOW)
        shots(page, "dashboard")

        # 1. Approve the vendor, its KYC document in view.
        page.locator("main").get_by_role("link", name="Vendor approvals").click()
        card = page.locator(f'[data-vendor-id="{application["id"]}"]')
        expect(card).to_be_visible(timeout=2 * SLOW)
        kyc_link = card.get_by_role("link", name="open document")
        expect(kyc_link).to_have_attribute("href", application["kycUrl"], timeout=SLOW)
        shots(page, "vendor queue")
        card.get_by_role("button", name="Approve").click()
        expect(page.get_by_test_id("notice")).to_contain_text(f"{application['name']} approved", timeout=SLOW)
        assert page.locator(f'[data-vendor-id="{application["id"]}"]').count() == 0  # left the pending queue
        vendor = api.get(f"/v1/vendors/{application['id']}", headers=admin).json()
        assert vendor["status"] == "active"

        order = order_job.result(timeout=600)
    order_no = order["orderNo"]

    # 2. Refund: too much first (the API's detail in words), then part of it.
    page.goto(f"/admin/orders/{order_no}")
    expect(page.get_by_role("heading", name=f"Order {order_no}")).to_be_visible(timeout=SLOW)
    page.get_by_label("Amount").fill("100000.00")
    page.get_by_label("Reason").fill("Customer goodwill")
    page.get_by_role("button", name="Refund").click()
    problem = page.get_by_role("alert")
    expect(problem).to_be_visible(timeout=SLOW)
    assert "Traceback" not in page.content() and problem.inner_text().strip()
    shots(page, "refund refused")
    page.get_by_label("Amount").fill("5.00")
    page.get_by_role("button", name="Refund").click()
    expect(page.get_by_test_id("notice")).to_contain_text(f"Refund of 5.00 for {order_no}", timeout=SLOW)
    _eventually(lambda: api.get(f"/v1/admin/orders/{order_no}", headers=admin),
                lambda r: r.json()["refundedMinor"] == 500, what="orders to record the refund (Kafka)",
                timeout=120)
    page.reload()
    expect(page.get_by_test_id("refunded")).to_have_text("$5.00", timeout=SLOW)
    shots(page, "order refunded")

    # 3. Process a payout: the order is delivered (API), the vendor asks for money, the admin pays it.
    admin_setup.deliver(api, admin_token, order_no)
    payout = admin_setup.payout_request(web_base_url, order["vendor"], amount_minor=1_000)
    page.goto("/admin/payouts")
    row = page.locator(f'tr[data-payout-id="{payout["payoutId"]}"]')
    expect(row).to_contain_text(order["vendor"]["name"], timeout=SLOW)  # the vendor's name, not its id
    shots(page, "payout requested")
    row.get_by_role("button", name="Start processing").click()
    expect(page.get_by_test_id("notice")).to_contain_text("processing", timeout=SLOW)
    page.goto("/admin/payouts?status=processing")
    page.locator(f'tr[data-payout-id="{payout["payoutId"]}"]').get_by_role("button", name="Mark paid").click()
    expect(page.get_by_test_id("notice")).to_contain_text("paid", timeout=SLOW)
    paid = api.get("/v1/admin/payouts", params={"vendorId": order["vendor"]["id"]}, headers=admin).json()["items"]
    assert [p["status"] for p in paid if p["payoutId"] == payout["payoutId"]] == ["paid"]

    # 4. Change a feature flag.
    page.goto("/admin/flags")
    flag = page.get_by_test_id("flag").first
    key = flag.get_attribute("data-flag-key")
    before = api.get(f"/v1/admin/feature-flags/{key}", headers=admin).json()
    flag.get_by_label("Rollout (% of users)").fill("37")
    flag.get_by_role("switch").set_checked(not before["enabled"])
    flag.get_by_role("button", name=f"Save {key}").click()
    state = "off" if before["enabled"] else "on"
    expect(page.get_by_test_id("notice")).to_contain_text(f"{key} is {state} (37 %", timeout=SLOW)
    after = api.get(f"/v1/admin/feature-flags/{key}", headers=admin).json()
    assert (after["enabled"], after["rolloutPercent"]) == (not before["enabled"], 37)
    shots(page, "flag changed")
    restore = {k: before[k] for k in ("enabled", "rolloutPercent", "variants", "description")}
    assert api.put(f"/v1/admin/feature-flags/{key}", json=restore, headers=admin).status_code == 200

    # 5. Analytics as plots: every chart card ends as a drawn canvas, or says why not in words.
    page.goto("/admin/analytics?days=365")
    cards = page.get_by_test_id("chart-card")
    expect(cards).to_have_count(9, timeout=SLOW)
    page.wait_for_function("document.querySelectorAll('[data-testid=chart-card] progress').length === 0",
                           timeout=60_000)
    page.wait_for_function("[...document.querySelectorAll('canvas[data-testid=chart]')].every(c => c.dataset.drawn)")
    drawn, empty = page.locator("canvas[data-testid=chart]").count(), page.get_by_test_id("chart-empty").count()
    assert drawn + empty == 9 and drawn >= 1  # a fresh warehouse may hold no data for some metrics yet
    assert page.get_by_test_id("chart-problem").count() == 0
    shots(page, "analytics")


def test_back_office_on_a_phone(new_page, admin_email, shots):
    page = new_page(phone=True)
    _sign_in(page, admin_email)
    page.goto("/admin/analytics?days=365")
    page.wait_for_function("document.querySelectorAll('[data-testid=chart-card] progress').length === 0",
                           timeout=60_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"
    shots(page, "analytics phone")
    page.goto("/admin/orders")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shots(page, "orders phone")


def test_staff_get_support_pages_but_not_settings(new_page, api, staff_email, shots):
    page = new_page()
    _sign_in(page, staff_email)
    for path in ("/admin", "/admin/orders", "/admin/returns", "/admin/analytics"):
        assert page.goto(path).status == 200, path
    nav_links = page.locator("header nav a").evaluate_all("links => links.map(a => a.textContent.trim())")
    assert "Orders" in nav_links and "Feature flags" not in nav_links and "Payouts" not in nav_links
    shots(page, "staff returns")
    for path in ("/admin/settings", "/admin/flags", "/admin/payouts", "/admin/vendors", "/admin/products",
                 "/admin/coupons", "/admin/templates", "/admin/shipping"):
        response = page.goto(path)
        assert response.status == 403, path
        assert "may not open" in page.get_by_role("alert").inner_text()
    shots(page, "staff refused settings")

    # The API agrees: staff may read orders and refund (a missing order is 404, not 403) but not change settings.
    staff = bearer(api_token(api, staff_email))
    assert api.get("/v1/admin/orders", headers=staff).status_code == 200
    assert api.get("/v1/admin/returns", headers=staff).status_code == 200
    assert api.post("/v1/admin/orders/NO-SUCH-ORDER/refunds", json={"amountMinor": 100, "reason": "x"},
                    headers=staff).status_code == 404
    refused = {
        ("PUT", "/v1/admin/feature-flags/reco_ab_test"): {"enabled": True},
        ("PATCH", "/v1/admin/payouts/00000000-0000-7000-8000-000000000000"): {"status": "paid"},
        ("GET", "/v1/admin/vendors"): None, ("GET", "/v1/admin/payouts"): None,
        ("GET", "/v1/admin/templates"): None, ("GET", "/v1/admin/shipping/rates"): None,
        ("PATCH", "/v1/admin/shipping/rates/1"): {"etaDays": 3},
        ("POST", "/v1/admin/coupons"): {"code": "STAFF10", "type": "percent", "value": 10,
                                        "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2027-01-01T00:00:00Z"},
        ("PATCH", "/v1/admin/products/00000000-0000-7000-8000-000000000000/approve"): None,
    }
    for (method, path), body in refused.items():
        resp = api.request(method, path, json=body, headers=staff)
        assert resp.status_code == 403, (method, path, resp.status_code, resp.text[:200])
        assert resp.headers["content-type"].startswith("application/problem+json")

