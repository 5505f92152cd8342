"""Risk analyst's journey in Chromium: find a held order in the fraud queue, read why it was held (score, reasons,
linked accounts, the order), release it with a note; then another, rejected. The API then shows the orders' new
state (released and payable / cancelled as fraud), and the console shows the note in the decision and audit trail.
A second decision on the same order (another analyst was faster) shows the API's 409 detail in words."""
from __future__ import annotations

import pytest

from tests.browser.conftest import api_token
from tests.browser.risk_setup import held_orders, pay, sign_in_as
from tests.flows import bearer

# Generous: setup and the decisions cross Kafka, whose shared consumer groups rebalance while other sessions run.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def held(web_base_url, api, admin_email) -> dict:
    return {**held_orders(web_base_url, api_token(api, admin_email), count=2), "admin": api_token(api, admin_email)}


def open_from_queue(page, order_no: str) -> None:
    """The analyst starts at the queue and opens the order by its number (the queue may be long)."""
    page.goto("/risk")
    assert page.get_by_test_id("queue-row").count() >= 1  # our held orders at least are waiting
    page.get_by_label("Find an order by number").fill(order_no)
    page.get_by_role("button", name="Open").click()
    page.wait_for_url(f"**/risk/orders/{order_no}")


def order_state(api, held: dict, order_no: str) -> dict:
    resp = api.get(f"/v1/admin/orders/{order_no}", headers=bearer(held["admin"]))
    assert resp.status_code == 200, resp.text
    return resp.json()


def wait_for_state(page_or_api, check, what: str, timeout: float = 180.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = page_or_api()
        if check(value):
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}; last: {value!r}"[:600]
        time.sleep(0.5)


def test_analyst_releases_a_held_order(new_page, staff_email, held, api, shots):
    order_no, other = held["orderNos"]
    page = new_page()
    sign_in_as(page, staff_email, "staff")
    open_from_queue(page, order_no)
    assert page.get_by_test_id("on-hold").is_visible()
    reasons = page.get_by_test_id("reasons").inner_text()
    assert "IP in another country" in reasons, reasons
    linked = page.get_by_test_id("linked-account")
    assert linked.count() >= 1 and "same device" in linked.first.inner_text()
    assert page.get_by_role("link", name=other).count() == 1  # the other held order, same device
    assert page.get_by_test_id("audit-row").count() == 1  # the model's decision
    shots(page, "held order")

    page.get_by_label("Note for the audit trail").fill("Called the shopper: the order is genuine.")
    page.get_by_test_id("release").click()
    page.wait_for_load_state("networkidle")
    assert "released" in page.get_by_test_id("notice").inner_text()
    assert page.get_by_test_id("decision-note").inner_text() == "Called the shopper: the order is genuine."
    audit = page.get_by_test_id("audit-row")
    assert audit.count() == 2 and "you" in audit.nth(1).inner_text() and "genuine" in audit.nth(1).inner_text()
    assert page.get_by_test_id("decision-form").count() == 0
    shots(page, "released")

    # Through the API: orders released the hold (fraud.review.decided over Kafka), so the shopper can pay now.
    state = wait_for_state(lambda: order_state(api, held, order_no), lambda o: not o["fraudHold"], "the release")
    assert state["fraudDecision"] == "approve" and state["status"] == "unfulfilled"
    paid = wait_for_state(lambda: pay(api, held["shoppers"][0], order_no), lambda r: r.status_code == 200,
                          "payments to accept the released order")
    assert paid.status_code == 200
    state = wait_for_state(lambda: order_state(api, held, order_no), lambda o: o["status"] == "processing",
                           "the paid order to go on")
    assert state["paymentStatus"] == "paid"

    page.goto("/risk?status=decided")
    assert "genuine" in page.locator(f'[data-order-no="{order_no}"]').inner_text()
    shots(page, "decided queue")


def test_analyst_rejects_a_held_order_and_a_late_second_decision_is_refused(new_page, staff_email, admin_email,
                                                                           held, api, shots):
    order_no = held["orderNos"][1]
    slow = new_page(phone=True)  # a second analyst, on a phone, opens the same order
    sign_in_as(slow, admin_email, "super_admin")
    slow.goto(f"/risk/orders/{order_no}")
    assert slow.get_by_test_id("decision-form").is_visible()
    shots(slow, "held order on a phone")

    page = new_page()
    sign_in_as(page, staff_email, "staff")
    open_from_queue(page, order_no)
    page.get_by_label("Note for the audit trail").fill("Same device as another held order; card country differs.")
    page.get_by_test_id("reject").click()
    page.wait_for_load_state("networkidle")
    assert "rejected" in page.get_by_test_id("notice").inner_text()
    assert "card country differs" in page.get_by_test_id("decision-note").inner_text()
    shots(page, "rejected")

    slow.get_by_label("Note for the audit trail").fill("Looks fine to me.")
    slow.get_by_test_id("release").click()
    slow.wait_for_load_state("networkidle")
    problem = slow.get_by_test_id("problem").inner_text()
    assert "already decided" in problem and "reject" in problem, problem
    # The page now shows the other analyst's decision instead of a form that can no longer succeed.
    assert "card country differs" in slow.get_by_test_id("decision-note").inner_text()
    shots(slow, "second decision refused")

    # Through the API: orders cancelled the order as fraud (fraud.review.decided over Kafka).
    state = wait_for_state(lambda: order_state(api, held, order_no), lambda o: o["status"] == "cancelled",
                           "the rejected order to be cancelled")
    assert (state["cancelReason"], state["fraudDecision"], state["fraudHold"]) == ("fraud", "reject", False)
    review = api.get(f"/v1/admin/fraud/{order_no}", headers=bearer(held["admin"])).json()
    assert [a["decision"] for a in review["audit"]] == ["review", "reject"]
