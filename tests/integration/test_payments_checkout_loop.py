"""The payments side of the real loop with every service in play: cart → order → intent (payments learns the
order from orders' internal API or its order.created) → simulated card → signed webhook → payment.succeeded →
orders marks it paid and commits the stock → order.paid → vendor earnings → a staff refund → orders' payment
status and the earnings follow.

Events between orders and payments are handed from one service's outbox to the other's consumer (the exact
envelope the relay publishes): the shared local broker can be minutes behind when other suites flood it, and
Kafka's own later delivery is then skipped by the inbox."""
from __future__ import annotations

import uuid

import pytest

from tests.flows import active_product, approved_vendor, bearer, eventually
from tests.integration.orders_helpers import add_to_cart, place, shopper, stock, vendor_projected
from tests.integration.payments_helpers import hand_over, intents_of, mint, outbox

pytestmark = pytest.mark.timeout(240)


async def test_pay_refund_and_earn_through_the_whole_stack(client, gateway, admin_token):
    vendor = await approved_vendor(client, admin_token, commission_type="percent", commission_value="10")
    product = await active_product(client, admin_token, vendor, price_minor=2_000, stock=20)
    await vendor_projected(gateway, vendor["id"])
    who = shopper(gateway)
    await add_to_cart(client, who, product["sku"], 2)
    placed = await place(client, who)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    no, total = order["orderNo"], order["totals"]["totalMinor"]
    on_hand = (await stock(client, product["sku"]))["onHand"]

    key = {"Idempotency-Key": uuid.uuid4().hex}
    intent = await client.post("/v1/payments/intent", json={"orderNo": no}, headers={**who["headers"], **key})
    assert intent.status_code == 201, intent.text
    assert intent.json()["amountMinor"] == total and intent.json()["currency"] == order["currency"]
    again = await client.post("/v1/payments/intent", json={"orderNo": no}, headers={**who["headers"], **key})
    assert again.json() == intent.json() and len(await intents_of(gateway, no)) == 1

    sim = await client.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"},
                            headers=who["headers"])
    assert sim.status_code == 200 and sim.json()["webhook"]["outcome"] == "succeeded", sim.text

    await hand_over(gateway, "payments", "orders", event_type="payment.succeeded", key=no)

    async def get_order():
        return await client.get(f"/v1/orders/{no}", headers=who["headers"])

    paid = await eventually(get_order, lambda r: r.json().get("paymentStatus") == "paid", what="orders to see paid")
    assert paid.json()["status"] == "processing"
    assert (await stock(client, product["sku"]))["onHand"] == on_hand - 2  # committed, not just reserved

    await hand_over(gateway, "orders", "payments", event_type="order.paid", key=no)
    earnings_url = f"/v1/vendors/{vendor['id']}/earnings"

    async def get_earnings():
        return await client.get(earnings_url, headers=bearer(vendor["token"]))

    view = (await eventually(get_earnings, lambda r: any(i["orderNo"] == no for i in r.json().get("items", [])),
                             what="order.paid to become an earning")).json()
    [earning] = [i for i in view["items"] if i["orderNo"] == no]
    assert earning["grossMinor"] == 4_000 and earning["commissionMinor"] == 400 and earning["status"] == "pending"
    assert earning["netMinor"] == 4_000 - 400 - earning["feesMinor"] and earning["feesMinor"] > 0

    refund = await client.post(f"/v1/admin/orders/{no}/refunds", headers=bearer(mint(gateway, "staff")),
                               json={"amountMinor": 2_000, "reason": "one arrived broken",
                                     "items": [{"sku": product["sku"], "qty": 1}]})
    assert refund.status_code == 201 and refund.json()["full"] is False, refund.text
    await hand_over(gateway, "payments", "orders", event_type="payment.refunded", key=no)
    partial = await eventually(get_order, lambda r: r.json().get("paymentStatus") == "partial",
                               what="orders to see the partial refund")
    assert partial.status_code == 200
    [after] = [i for i in (await get_earnings()).json()["items"] if i["orderNo"] == no]
    assert after["grossMinor"] == 2_000 and after["refundedMinor"] == 2_000 and after["commissionMinor"] == 200
    assert [e["full"] for e in await outbox(gateway, key=no, event_type="payment.refunded")] == [False]
