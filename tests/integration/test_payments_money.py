"""Refunds, vendor earnings and payouts through the gateway on the real stack. Orders are paid through the
simulator's signed webhook; their order.paid / order.delivered are fed to the payments consumer as the orders
service publishes them."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

from apps.payments import domain
from apps.payments.sweeper import sweep_app
from apps.payments.providers.simulated import charge_refunded_object, event
from kernel.ids import new_id_str
from tests.integration.payments_helpers import (
    bearer,
    deliver,
    earnings_of,
    feed,
    mint,
    new_order,
    order_paid,
    outbox,
    paid_order,
    payments_app,
    refunds_of,
)


def _two_vendor_lines() -> tuple[str, str, list]:
    a, b = new_id_str(), new_id_str()
    return a, b, [(a, f"A-{uuid.uuid4().hex[:8]}", 2, 3_500), (b, f"B-{uuid.uuid4().hex[:8]}", 1, 3_000)]


async def _refund(client, token: str, order_no: str, **body):
    return await client.post(f"/v1/admin/orders/{order_no}/refunds", json=body, headers=bearer(token))


async def test_order_paid_records_each_vendors_earning_with_fees(client, gateway, customer):
    a, b, lines = _two_vendor_lines()
    created, _ = await paid_order(client, gateway, customer, lines=lines, shipping_minor=500)
    found = await earnings_of(gateway, created["orderNo"])
    total = created["totals"]["totalMinor"]  # 7000 + 3000 + 500 shipping
    settings = payments_app(gateway).state.settings
    fee = domain.provider_fee(total, fee_bps=settings.payment_fee_bps, fixed_minor=settings.payment_fee_fixed_minor)
    assert {v: e.gross_minor for v, e in found.items()} == {a: 7_000, b: 3_000}
    assert {v: e.commission_minor for v, e in found.items()} == {a: 700, b: 300}
    assert sum(e.fees_minor for e in found.values()) == fee
    assert all(e.net_minor == e.gross_minor - e.commission_minor - e.fees_minor and e.status == "pending"
               for e in found.values())
    recorded = await outbox(gateway, key=a, event_type="earning.recorded")
    assert recorded[-1]["orderNo"] == created["orderNo"] and recorded[-1]["status"] == "pending"
    await feed(gateway, "order.paid", order_paid(created))  # a redelivery under a new event id
    assert len(await earnings_of(gateway, created["orderNo"])) == 2


async def test_refunds_are_staff_only_bounded_by_the_capture_and_shrink_earnings(client, gateway, customer,
                                                                                 admin_token):
    a, b, lines = _two_vendor_lines()
    created, intent = await paid_order(client, gateway, customer, lines=lines)
    no, staff = created["orderNo"], mint(gateway, "staff")
    before = await earnings_of(gateway, no)

    assert (await _refund(client, customer["accessToken"], no, amountMinor=100, reason="x")).status_code == 403
    too_much = await _refund(client, staff, no, amountMinor=10_501, reason="too much")
    assert too_much.status_code == 409 and too_much.headers["content-type"].startswith("application/problem+json")
    bad_items = await _refund(client, staff, no, amountMinor=100, reason="x", items=[{"sku": "NOPE", "qty": 1}])
    assert bad_items.status_code == 422
    assert (await _refund(client, staff, f"NOPE-{uuid.uuid4().hex[:6]}", amountMinor=1, reason="x")).status_code == 404

    # One of vendor A's two items comes back: only A's earning shrinks, by half.
    sku_a = lines[0][1]
    partial = await _refund(client, staff, no, amountMinor=3_500, reason="damaged", items=[{"sku": sku_a, "qty": 1}])
    assert partial.status_code == 201, partial.text
    body = partial.json()
    assert body["full"] is False and body["refundedTotalMinor"] == 3_500 and body["capturedMinor"] == 10_500
    after = await earnings_of(gateway, no)
    assert after[a].gross_minor == 3_500 and after[a].refunded_gross_minor == 3_500
    assert after[a].commission_minor == 350 and after[a].fees_minor == before[a].fees_minor // 2
    assert after[b].gross_minor == before[b].gross_minor and after[b].net_minor == before[b].net_minor
    [refunded] = await outbox(gateway, key=no, event_type="payment.refunded")
    assert refunded["full"] is False and refunded["amountMinor"] == 3_500 and refunded["items"] == [
        {"sku": sku_a, "qty": 1}]

    # The provider confirms the refund with a signed charge.refunded.
    [row] = await refunds_of(gateway, no)
    confirm = await deliver(client, gateway, event("charge.refunded", charge_refunded_object(
        intent["intentId"], amount_minor=10_500, currency="USD", order_no=no,
        refunds=[{"id": row.provider_refund_id, "amount": 3_500, "status": "succeeded"}])))
    assert confirm.status_code == 200 and confirm.json()["outcome"] == "refunds_confirmed:1"
    assert (await refunds_of(gateway, no))[0].confirmed_at is not None

    # Two racing refunds of the rest: exactly one fits.
    racing = await asyncio.gather(*[_refund(client, admin_token, no, amountMinor=7_000, reason="rest")
                                    for _ in range(2)])
    assert sorted(r.status_code for r in racing) == [201, 409]
    final = next(r.json() for r in racing if r.status_code == 201)
    assert final["full"] is True and final["refundedTotalMinor"] == 10_500
    emptied = await earnings_of(gateway, no)
    assert all((e.gross_minor, e.commission_minor, e.fees_minor, e.net_minor) == (0, 0, 0, 0)
               for e in emptied.values())
    assert (await _refund(client, staff, no, amountMinor=1, reason="more")).status_code == 409


async def test_refund_of_an_unpaid_order_is_409(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    resp = await _refund(client, mint(gateway, "staff"), order["orderNo"], amountMinor=100, reason="x")
    assert resp.status_code == 409


async def test_refund_of_a_return_uses_its_items(client, gateway, customer):
    a, b, lines = _two_vendor_lines()
    created, _ = await paid_order(client, gateway, customer, lines=lines)
    no, rma = created["orderNo"], new_id_str()
    await feed(gateway, "order.return_requested", {
        "orderNo": no, "rmaId": rma, "userId": customer["userId"], "reason": "too small",
        "items": [{"sku": lines[1][1], "qty": 1, "amountMinor": 3_000, "vendorId": b}], "amountMinor": 3_000})
    resp = await _refund(client, mint(gateway, "staff"), no, amountMinor=3_000, reason="return", rmaId=rma)
    assert resp.status_code == 201, resp.text
    assert resp.json()["rmaId"] == rma and resp.json()["items"] == [{"sku": lines[1][1], "qty": 1}]
    found = await earnings_of(gateway, no)
    assert found[b].gross_minor == 0 and found[b].net_minor == 0 and found[a].refunded_gross_minor == 0
    again = await _refund(client, mint(gateway, "staff"), no, amountMinor=1, reason="return", rmaId=rma)
    assert again.status_code == 409


async def _eligible_vendor(client, gateway, customer) -> tuple[str, str, dict]:
    """A vendor with one delivered order past its return window: (vendorId, vendor token, order.created)."""
    vendor = new_id_str()
    created, _ = await paid_order(client, gateway, customer, lines=[(vendor, f"V-{uuid.uuid4().hex[:8]}", 1, 10_000)],
                                  shipping_minor=0)
    delivered = datetime.now(timezone.utc) - timedelta(days=15)
    await feed(gateway, "order.delivered", {"orderNo": created["orderNo"], "deliveredAt": delivered})
    return vendor, mint(gateway, "vendor_admin", vendor_id=vendor), created


async def test_earnings_become_eligible_after_the_return_window(client, gateway, customer):
    vendor = new_id_str()
    token = mint(gateway, "vendor_admin", vendor_id=vendor)
    created, _ = await paid_order(client, gateway, customer, lines=[(vendor, "W-1", 1, 10_000)], shipping_minor=0)
    await feed(gateway, "order.delivered", {"orderNo": created["orderNo"], "deliveredAt": datetime.now(timezone.utc)})
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    assert view["pendingMinor"] == view["items"][0]["netMinor"] > 0 and view["eligibleMinor"] == 0
    assert view["items"][0]["eligibleAt"]
    await sweep_app(payments_app(gateway), now=datetime.now(timezone.utc) + timedelta(days=13))
    assert (await earnings_of(gateway, created["orderNo"]))[vendor].status == "pending"
    assert await sweep_app(payments_app(gateway), now=datetime.now(timezone.utc) + timedelta(days=15)) >= 1
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    assert view["pendingMinor"] == 0 and view["eligibleMinor"] == view["availableMinor"] > 0
    assert view["items"][0]["status"] == "eligible"
    other = mint(gateway, "vendor_admin", vendor_id=new_id_str())
    assert (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(other))).status_code == 403


async def test_payout_lifecycle(client, gateway, customer, admin_token):
    vendor, token, _ = await _eligible_vendor(client, gateway, customer)
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    eligible = view["eligibleMinor"]
    assert eligible > 0 and view["pendingMinor"] == 0

    url = f"/v1/vendors/{vendor}/payout-request"
    assert (await client.post(url, json={"amountMinor": 100}, headers=bearer(token))).status_code == 422  # no key
    over = await client.post(url, json={"amountMinor": eligible + 1, "currency": "USD"},
                             headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex})
    assert over.status_code == 409
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(url, json={"amountMinor": eligible - 1_000, "currency": "USD"},
                              headers={**bearer(token), **key})
    assert first.status_code == 201 and first.json()["status"] == "requested", first.text
    again = await client.post(url, json={"amountMinor": eligible - 1_000, "currency": "USD"},
                              headers={**bearer(token), **key})
    assert again.status_code == 201 and again.json()["payoutId"] == first.json()["payoutId"]
    changed = await client.post(url, json={"amountMinor": 5, "currency": "USD"}, headers={**bearer(token), **key})
    assert changed.status_code == 422
    # What the open payout holds is no longer available: 1000 left, 1001 refused.
    held = await client.post(url, json={"amountMinor": 1_001, "currency": "USD"},
                             headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex})
    assert held.status_code == 409
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    assert view["requestedMinor"] == eligible - 1_000 and view["availableMinor"] == 1_000
    [requested] = await outbox(gateway, key=vendor, event_type="payout.requested")
    assert requested["payoutId"] == first.json()["payoutId"] and requested["amountMinor"] == eligible - 1_000

    payout_id = first.json()["payoutId"]
    admin = bearer(admin_token)
    assert (await client.patch(f"/v1/admin/payouts/{payout_id}", json={"status": "processing"},
                               headers=bearer(token))).status_code == 403
    processing = await client.patch(f"/v1/admin/payouts/{payout_id}", json={"status": "processing"}, headers=admin)
    assert processing.status_code == 200 and processing.json()["status"] == "processing"
    back = await client.patch(f"/v1/admin/payouts/{payout_id}", json={"status": "requested"}, headers=admin)
    assert back.status_code == 422  # not a status an admin may set
    paid = await client.patch(f"/v1/admin/payouts/{payout_id}", json={"status": "paid"}, headers=admin)
    assert paid.status_code == 200 and paid.json()["processedAt"]
    assert (await client.patch(f"/v1/admin/payouts/{payout_id}", json={"status": "failed"},
                               headers=admin)).status_code == 409
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    assert view["paidMinor"] == eligible - 1_000 and view["eligibleMinor"] == 1_000 and view["requestedMinor"] == 0
    processed = await outbox(gateway, key=vendor, event_type="payout.processed")
    assert [p["status"] for p in processed] == ["processing", "paid"]

    # A failed payout gives its amount back; paying the rest settles the earning.
    rest = await client.post(url, json={"amountMinor": 1_000, "currency": "USD"},
                             headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex})
    assert rest.status_code == 201
    failed = await client.patch(f"/v1/admin/payouts/{rest.json()['payoutId']}", json={"status": "failed"},
                                headers=admin)
    assert failed.status_code == 200
    assert (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()["availableMinor"] == 1_000
    final = await client.post(url, json={"amountMinor": 1_000, "currency": "USD"},
                              headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex})
    await client.patch(f"/v1/admin/payouts/{final.json()['payoutId']}", json={"status": "paid"}, headers=admin)
    view = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    assert view["eligibleMinor"] == 0 and view["paidMinor"] == eligible and view["items"][0]["status"] == "paid"

    listed = await client.get("/v1/admin/payouts", params={"status": "failed", "vendorId": vendor}, headers=admin)
    assert listed.status_code == 200 and [p["payoutId"] for p in listed.json()["items"]] == [rest.json()["payoutId"]]
    assert (await client.get("/v1/admin/payouts", params={"status": "weird"}, headers=admin)).status_code == 422
    assert (await client.patch("/v1/admin/payouts/not-a-uuid", json={"status": "paid"},
                               headers=admin)).status_code == 404


async def test_concurrent_payout_requests_never_exceed_the_balance(client, gateway, customer):
    vendor, token, _ = await _eligible_vendor(client, gateway, customer)
    eligible = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()["eligibleMinor"]
    share = eligible // 2 + 1  # any two together are too much
    results = await asyncio.gather(*[
        client.post(f"/v1/vendors/{vendor}/payout-request", json={"amountMinor": share, "currency": "USD"},
                    headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex}) for _ in range(4)])
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409]


async def test_a_partial_refund_after_delivery_lowers_the_payable_balance(client, gateway, customer):
    vendor, token, created = await _eligible_vendor(client, gateway, customer)
    before = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    resp = await _refund(client, mint(gateway, "staff"), created["orderNo"], amountMinor=2_500, reason="goodwill")
    assert resp.status_code == 201
    after = (await client.get(f"/v1/vendors/{vendor}/earnings", headers=bearer(token))).json()
    item = after["items"][0]
    assert item["refundedMinor"] == 2_500 and item["grossMinor"] == 7_500
    assert after["eligibleMinor"] == item["netMinor"] < before["eligibleMinor"]
