"""Fraud in the order flow, against the real servers: orders placed through the gateway travel over Kafka
(order.created → serving scores → fraud.decided → orders and payments act; the risk team's PATCH →
fraud.review.decided → orders and payments act), with a real FraudModel trained here (risk rises with the order
total: the price picks the decision). Test sessions score in shadow mode; the enforced decision a test needs is made
by scoring the order again by hand with the test's model (fraud_helpers.rescore says why), and travels over Kafka."""
from __future__ import annotations

import asyncio

import pytest

from tests.flows import active_product, approved_vendor, bearer, eventually
from tests.integration.fraud_helpers import (FOREIGN_IP, LARGE, MEDIUM, SMALL, FixedChampions, rescore,
                                             serving_rows, serving_with, trained_model)
from tests.integration.orders_helpers import add_to_cart, key, place, rows, shopper, stock, vendor_projected
from tests.integration.payments_helpers import mint

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def model():
    return trained_model()


@pytest.fixture(scope="module")
async def fraud_shop(client, gateway, admin_token) -> dict:
    vendor = await approved_vendor(client, admin_token)
    small, medium, large = await asyncio.gather(*(
        active_product(client, admin_token, vendor, price_minor=price, stock=50) for price in (SMALL, MEDIUM, LARGE)))
    await vendor_projected(gateway, vendor["id"])
    vendor["headers"] = bearer(vendor["token"])
    return {"vendor": vendor, "small": small, "medium": medium, "large": large}


@pytest.fixture
def staff(gateway) -> dict:
    return bearer(mint(gateway, "staff"))


async def buy(client, who: dict, sku: str, *, device: str | None = None, country: str | None = None) -> str:
    await add_to_cart(client, who, sku)
    headers = {**key(), **({"X-Device-Id": device} if device else {}), **({"CF-IPCountry": country} if country
                                                                             else {})}
    resp = await place(client, who, headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()["orderNo"]


async def scored(gateway, order_no: str) -> dict:
    found = await eventually(lambda: serving_rows(gateway, "SELECT decision, score, reasons, model_version, strategy,"
                                                           " review_status FROM ai_fraud_scores WHERE order_no = :o",
                                                  o=order_no),
                             bool, what=f"serving to score {order_no}", timeout=120)
    return dict(found[0]._mapping)


async def order_row(gateway, order_no: str) -> dict:
    found = await rows(gateway, "SELECT status, payment_status, fraud_hold, fraud_decision, cancel_reason "
                                "FROM orders WHERE order_no = :o", o=order_no)
    return dict(found[0]._mapping)


async def order_until(gateway, order_no: str, check, what: str) -> dict:
    return await eventually(lambda: order_row(gateway, order_no), check, what=what, timeout=45)


async def pay(client, who: dict, order_no: str, *, card: dict | None = None):
    intent = await client.post("/v1/payments/intent", json={"orderNo": order_no}, headers={**who["headers"], **key()})
    if intent.status_code != 201:
        return intent
    return await client.post(f"/v1/payments/simulate/{intent.json()['intentId']}",
                             json={"outcome": "succeeded", **({"card": card} if card else {})},
                             headers=who["headers"])


async def test_evaluate_scores_features_with_the_champion_and_explains(client, gateway, model, staff):
    with serving_with(gateway, FixedChampions(model)):
        low = await client.post("/v1/ai/fraud/evaluate", json={"features": {"order_total_minor": 1_500}},
                                headers=staff)
        high = await client.post("/v1/ai/fraud/evaluate", json={"features": {"order_total_minor": 900_500}},
                                 headers=staff)
    assert low.status_code == high.status_code == 200, (low.text, high.text)
    low, high = low.json(), high.json()
    assert (low["decision"], high["decision"]) == ("approve", "reject")
    assert 0 <= low["score"] < low["thresholds"]["review"] <= high["thresholds"]["reject"] <= high["score"] <= 1
    assert high["modelVersion"] == "test-marketplace-fraud/7" and high["strategy"] == "model"
    assert any("order total $9,005" in r for r in high["reasons"]), high["reasons"]


async def test_rules_fallback_when_no_model_is_loaded(client, gateway, staff):
    one_rule = {"card_other_accounts_24h": 2}
    two_rules = {"card_other_accounts_24h": 2, "user_orders_1h": 4}
    with serving_with(gateway, FixedChampions(None)):
        answers = [await client.post("/v1/ai/fraud/evaluate", json={"features": f}, headers=staff)
                   for f in ({"order_total_minor": 10}, one_rule, two_rules)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    bodies = [a.json() for a in answers]
    assert [b["decision"] for b in bodies] == ["approve", "review", "reject"]
    assert {b["modelVersion"] for b in bodies} == {"rules-v1"} and {b["strategy"] for b in bodies} == {"rules"}
    assert bodies[1]["reasons"] == ["rule: card used by another account within 24 h"]


async def test_fraud_routes_refuse_shoppers_vendors_and_bad_input(client, gateway, staff, customer):
    body = {"features": {"order_total_minor": 100}}
    assert (await client.post("/v1/ai/fraud/evaluate", json=body)).status_code == 401
    for who in (bearer(customer["accessToken"]), bearer(mint(gateway, "vendor_admin", vendor_id="v-1"))):
        assert (await client.post("/v1/ai/fraud/evaluate", json=body, headers=who)).status_code == 403
        assert (await client.get("/v1/admin/fraud/queue", headers=who)).status_code == 403
        assert (await client.get("/v1/admin/fraud/ORD-1", headers=who)).status_code == 403
        assert (await client.patch("/v1/admin/fraud/ORD-1", json={"decision": "approve"},
                                   headers=who)).status_code == 403
    bad = [{}, {"orderNo": "X", "features": {}}, {"features": {"no_such_feature": 1}},
           {"features": {"order_total_minor": "lots"}}, {"orderNo": "x" * 65}]
    for payload in bad:
        resp = await client.post("/v1/ai/fraud/evaluate", json=payload, headers=staff)
        assert resp.status_code == 422, (payload, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json")
    assert (await client.post("/v1/ai/fraud/evaluate", json={"orderNo": "NOPE-404"}, headers=staff)).status_code == 404
    assert (await client.get("/v1/admin/fraud/queue?perPage=1000", headers=staff)).status_code == 422
    assert (await client.get("/v1/admin/fraud/queue?status=maybe", headers=staff)).status_code == 422
    assert (await client.patch("/v1/admin/fraud/NOPE-404", json={"decision": "approve"},
                               headers=staff)).status_code == 404
    assert (await client.get("/v1/admin/fraud/NOPE-404", headers=staff)).status_code == 404
    assert (await client.get("/v1/admin/fraud/bad%20no", headers=staff)).status_code == 422
    assert (await client.patch("/v1/admin/fraud/NOPE-404", json={"decision": "review"},
                               headers=staff)).status_code == 422
    assert (await client.patch("/v1/admin/fraud/NOPE-404", json={"decision": "reject", "note": "a\x00b"},
                               headers=staff)).status_code == 422


async def test_every_order_is_scored_over_kafka_and_decided_when_the_card_shows(client, gateway, fraud_shop, staff):
    """order.created crosses Kafka to serving (whichever process of the shared consumer group takes it: they all run
    this code) and is scored provisionally; the payment's card crosses Kafka too, and the decision follows."""
    who = shopper(gateway)
    order_no = await buy(client, who, fraud_shop["small"]["sku"], device="dev-kafka-1", country="GB")
    first = await scored(gateway, order_no)
    paid = await pay(client, who, order_no, card={"fingerprint": "fp_kafka_1", "country": "GB"})
    assert paid.status_code == 200, paid.text
    decided = await eventually(lambda: serving_rows(gateway, "SELECT provisional, decision, model_version FROM "
                                                             "ai_fraud_scores WHERE order_no = :o", o=order_no),
                               lambda r: r and not r[0][0], what="serving to decide with the card", timeout=120)
    assert first["strategy"] in ("model", "rules") and first["model_version"]
    assert decided[0][1] in ("approve", "review", "reject")
    projected = await serving_rows(gateway, "SELECT device_id, ip, ip_country, ship_country, card_fingerprint, "
                                            "card_country FROM ai_fraud_orders WHERE order_no = :o", o=order_no)
    device, ip, ip_country, ship_country, card, card_country = projected[0]
    assert (device, ip_country, ship_country, card, card_country) == ("dev-kafka-1", "GB", "GB", "fp_kafka_1", "GB")
    assert ip
    kinds = [k[0] for k in await serving_rows(gateway, "SELECT event_type FROM outbox WHERE key = :o ORDER BY seq",
                                              o=order_no)]
    assert kinds[0] == "fraud.scored" and kinds[-2:] == ["fraud.scored", "fraud.decided"]
    audit = await serving_rows(gateway, "SELECT actor FROM ai_fraud_decisions WHERE order_no = :o", o=order_no)
    assert [a[0].startswith("model:") for a in audit] == [True]
    evaluated = await client.post("/v1/ai/fraud/evaluate", json={"orderNo": order_no}, headers=staff)
    assert evaluated.status_code == 200 and evaluated.json()["orderNo"] == order_no


async def test_review_holds_the_order_then_approval_releases_it(client, gateway, model, fraud_shop, staff):
    ring_device = "dev-ring-approve"
    first, second = shopper(gateway), shopper(gateway)
    earlier = await buy(client, first, fraud_shop["small"]["sku"], device=ring_device)
    order_no = await buy(client, second, fraud_shop["medium"]["sku"], device=ring_device, country=FOREIGN_IP)
    await scored(gateway, order_no)
    with serving_with(gateway, FixedChampions(model)) as app:
        assert (await rescore(gateway, order_no, app.state.champions)).decision == "review"
    held = await order_until(gateway, order_no, lambda o: o["fraud_hold"], "orders to hold the order (over Kafka)")
    refused = await eventually(lambda: client.post("/v1/payments/intent", json={"orderNo": order_no},
                                                   headers={**second["headers"], **key()}),
                               lambda r: r.status_code == 409, what="payments to hold capture", timeout=45)
    ship = await client.patch(f"/v1/vendors/{fraud_shop['vendor']['id']}/orders/{order_no}/items/"
                              f"{fraud_shop['medium']['sku']}/ship", json={"carrier": "UPS", "trackingNo": "1Z"},
                              headers=fraud_shop["vendor"]["headers"])
    queue = (await client.get("/v1/admin/fraud/queue?perPage=100", headers=staff)).json()
    pending = (await client.get(f"/v1/admin/fraud/{order_no}", headers=staff)).json()
    held_api = (await client.get(f"/v1/admin/orders/{order_no}", headers=staff)).json()
    decision = await client.patch(f"/v1/admin/fraud/{order_no}", json={"decision": "approve", "note": "known"},
                                  headers=staff)
    reviewed = (await client.get(f"/v1/admin/fraud/{order_no}", headers=staff)).json()
    again = await client.patch(f"/v1/admin/fraud/{order_no}", json={"decision": "reject"}, headers=staff)
    await order_until(gateway, order_no, lambda o: not o["fraud_hold"], "orders to release the hold")
    paid = await eventually(lambda: pay(client, second, order_no), lambda r: r.status_code == 200,
                            what="payments to accept the released order", timeout=45)
    assert held["status"] == "unfulfilled" and refused.status_code == 409 and ship.status_code == 409
    entry = next(i for i in queue["items"] if i["orderNo"] == order_no)
    assert entry["reviewStatus"] == "pending" and entry["order"]["deviceId"] == ring_device
    assert any("IP in another country" in r for r in entry["reasons"]), entry["reasons"]
    linked = {a["userId"]: a for a in entry["linkedAccounts"]}
    assert "device" in linked[first["userId"]]["shared"] and earlier in linked[first["userId"]]["orderNos"]
    assert decision.status_code == 200, decision.text
    body = decision.json()
    assert (body["decision"], body["previousDecision"], body["note"]) == ("approve", "review", "known")
    person = body["audit"][-1]
    assert (person["actor"], person["note"], person["decision"]) == (body["decidedBy"], "known", "approve")
    assert [a["actor"].startswith("model:") for a in body["audit"][:-1]] == [True]
    assert again.status_code == 409
    # The one-order read the risk console shows: pending with the model's audit row, then decided with the person's.
    assert (pending["reviewStatus"], pending["provisional"], pending["order"]["deviceId"]) == ("pending", False,
                                                                                             ring_device)
    assert [a["actor"].startswith("model:") for a in pending["audit"]] == [True]
    assert (held_api["fraudHold"], held_api["fraudDecision"]) == (True, "review")
    assert (reviewed["reviewStatus"], reviewed["finalDecision"], reviewed["note"]) == ("decided", "approve", "known")
    assert reviewed["audit"] == body["audit"]
    assert paid.json()["webhookStatus"] == 200
    done = await order_until(gateway, order_no, lambda o: o["status"] == "processing", "the paid order to go on")
    assert done["payment_status"] == "paid" and done["fraud_decision"] == "approve"


async def test_review_then_reject_cancels_releases_stock_and_refunds(client, gateway, model, fraud_shop, staff):
    who, sku = shopper(gateway), fraud_shop["medium"]["sku"]
    before = (await stock(client, sku))["available"]
    order_no = await buy(client, who, sku, country=FOREIGN_IP)
    # The shopper opened the payment before the order went to review; they pay while it is held.
    intent = await client.post("/v1/payments/intent", json={"orderNo": order_no}, headers={**who["headers"], **key()})
    assert intent.status_code == 201, intent.text
    await scored(gateway, order_no)
    with serving_with(gateway, FixedChampions(model)) as app:
        assert (await rescore(gateway, order_no, app.state.champions)).decision == "review"
    await order_until(gateway, order_no, lambda o: o["fraud_hold"], "orders to hold the order")
    paid = await client.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"},
                             headers=who["headers"])
    held_paid = await order_until(gateway, order_no, lambda o: o["payment_status"] == "paid", "the payment to land")
    reject = await client.patch(f"/v1/admin/fraud/{order_no}", json={"decision": "reject", "note": "ring"},
                                headers=staff)
    final = await order_until(gateway, order_no, lambda o: o["payment_status"] == "refunded",
                              "the rejected order to be cancelled and refunded")
    assert paid.status_code == 200 and held_paid["status"] == "unfulfilled"  # paid, but fulfilment waited
    assert reject.status_code == 200, reject.text
    assert (final["status"], final["cancel_reason"], final["fraud_decision"]) == ("cancelled", "fraud", "reject")
    assert (await stock(client, sku))["available"] == before


async def test_a_rejected_order_is_cancelled_and_cannot_be_paid_or_shipped(client, gateway, model, fraud_shop):
    who, sku = shopper(gateway), fraud_shop["large"]["sku"]
    before = (await stock(client, sku))["available"]
    order_no = await buy(client, who, sku)
    await scored(gateway, order_no)
    with serving_with(gateway, FixedChampions(model)) as app:
        assert (await rescore(gateway, order_no, app.state.champions)).decision == "reject"
    final = await order_until(gateway, order_no, lambda o: o["status"] == "cancelled", "the order to be cancelled")
    intent = await eventually(lambda: client.post("/v1/payments/intent", json={"orderNo": order_no},
                                                  headers={**who["headers"], **key()}),
                              lambda r: r.status_code == 409, what="payments to refuse the rejected order", timeout=45)
    ship = await client.patch(f"/v1/vendors/{fraud_shop['vendor']['id']}/orders/{order_no}/items/{sku}/ship",
                              json={"carrier": "UPS", "trackingNo": "1Z"}, headers=fraud_shop["vendor"]["headers"])
    assert (final["cancel_reason"], final["fraud_decision"]) == ("fraud", "reject")
    assert (await stock(client, sku))["available"] == before
    assert intent.status_code == 409 and ship.status_code == 409
