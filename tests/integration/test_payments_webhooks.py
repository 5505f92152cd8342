"""Payment intents and the signed webhook through the gateway, on the real stack. Orders are fed to the payments
consumer as order.created events (what the orders service publishes), so these tests need no checkout."""
from __future__ import annotations

import asyncio
import uuid

from apps.payments.orm import OrderProjection
from apps.payments.providers.simulated import event
from tests.flows import new_user
from tests.integration.payments_helpers import (
    bearer,
    deliver,
    feed,
    intent_for,
    intents_of,
    mint,
    new_order,
    outbox,
    paid_order,
    payments_app,
    provider_event,
    rows,
    signed,
    succeeded_event,
)


async def test_intent_needs_a_key_and_repeats_never_create_a_second_intent(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    no = order["orderNo"]
    missing = await client.post("/v1/payments/intent", json={"orderNo": no}, headers=bearer(customer["accessToken"]))
    assert missing.status_code == 422 and missing.headers["content-type"].startswith("application/problem+json")

    first = await intent_for(client, customer, no, idem="key-1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["intentId"].startswith("pi_") and body["clientSecret"].startswith(f"{body['intentId']}_secret_")
    assert body["provider"] == "simulated" and body["currency"] == "USD"
    assert body["amountMinor"] == order["totals"]["totalMinor"] == 3_500

    again = await intent_for(client, customer, no, idem="key-1")
    assert again.status_code == 201 and again.json() == body
    other_key = await intent_for(client, customer, no, idem="key-2")  # a second tab: the open intent is reused
    assert other_key.status_code == 201 and other_key.json()["intentId"] == body["intentId"]
    racing = await asyncio.gather(*[intent_for(client, customer, no, idem=f"race-{i % 2}") for i in range(6)])
    assert {r.status_code for r in racing} == {201} and {r.json()["intentId"] for r in racing} == {body["intentId"]}
    assert len(await intents_of(gateway, no)) == 1
    assert len(await outbox(gateway, key=no, event_type="payment.intent.created")) == 1

    other_order = await new_order(client, gateway, customer)
    reused_key = await intent_for(client, customer, other_order["orderNo"], idem="key-1")
    assert reused_key.status_code == 422  # same key, different body


async def test_strangers_and_unknown_orders_get_404(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    stranger = await new_user(client, prefix="stranger")
    resp = await intent_for(client, stranger, order["orderNo"])
    assert resp.status_code == 404
    unknown = await intent_for(client, customer, f"NOPE-{uuid.uuid4().hex[:8]}")
    assert unknown.status_code == 404, unknown.text
    anonymous = await client.post("/v1/payments/intent", json={"orderNo": order["orderNo"]},
                                  headers={"Idempotency-Key": "x"})
    assert anonymous.status_code == 401


async def test_simulated_payment_emits_payment_succeeded_and_closes_the_order(client, gateway, customer):
    created, intent = await paid_order(client, gateway, customer)
    no = created["orderNo"]
    [event] = await outbox(gateway, key=no, event_type="payment.succeeded")
    assert event["intentId"] == intent["intentId"] and event["amountMinor"] == 3_500
    assert event["currency"] == "USD" and event["provider"] == "simulated" and event["providerEventId"]
    assert (await intents_of(gateway, no))[0].status == "succeeded"
    again = await intent_for(client, customer, no)
    assert again.status_code == 409  # paid: nothing more to pay


async def test_forged_stale_missing_and_tampered_signatures_are_400_and_change_nothing(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    intent = (await intent_for(client, customer, order["orderNo"])).json()
    body = succeeded_event(intent)
    cases = {
        "forged": signed(gateway, body, secret_override="whsec_attacker"),
        "stale": signed(gateway, body, age=301),
        "future": signed(gateway, body, age=-400),
    }
    payload, headers = signed(gateway, body)
    cases["tampered"] = (payload.replace(b'"amount":3500', b'"amount":1'), headers)
    cases["missing"] = (payload, {"Content-Type": "application/json"})
    cases["garbage"] = (payload, {"Stripe-Signature": "t=now,v1=nope"})
    for name, (content, head) in cases.items():
        resp = await client.post("/v1/payments/webhook", content=content, headers=head)
        assert resp.status_code == 400, (name, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json"), name
    assert await provider_event(gateway, body["id"]) is None
    assert (await intents_of(gateway, order["orderNo"]))[0].status == "requires_payment"
    assert await outbox(gateway, key=order["orderNo"], event_type="payment.succeeded") == []


async def test_a_replayed_event_changes_nothing(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    intent = (await intent_for(client, customer, order["orderNo"])).json()
    body = succeeded_event(intent)
    payload, headers = signed(gateway, body)
    first = await client.post("/v1/payments/webhook", content=payload, headers=headers)
    assert first.status_code == 200 and first.json()["outcome"] == "succeeded" and not first.json()["duplicate"]
    same = await client.post("/v1/payments/webhook", content=payload, headers=headers)  # byte-identical replay
    resigned = await deliver(client, gateway, body)  # the same event id, freshly signed
    racing = await asyncio.gather(*[deliver(client, gateway, body) for _ in range(4)])
    for resp in (same, resigned, *racing):
        assert resp.status_code == 200 and resp.json()["duplicate"] is True, resp.text
    assert len(await outbox(gateway, key=order["orderNo"], event_type="payment.succeeded")) == 1
    # A different event id for an already paid intent is not a second payment either.
    later = await deliver(client, gateway, succeeded_event(intent))
    assert later.json()["outcome"] == "already_succeeded"
    assert len(await outbox(gateway, key=order["orderNo"], event_type="payment.succeeded")) == 1


async def test_a_failed_payment_emits_payment_failed_and_may_be_retried(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    no = order["orderNo"]
    intent = (await intent_for(client, customer, no)).json()
    sim = await client.post(f"/v1/payments/simulate/{intent['intentId']}",
                            json={"outcome": "failed", "failureCode": "insufficient_funds"},
                            headers=bearer(customer["accessToken"]))
    assert sim.status_code == 200 and sim.json()["webhook"]["outcome"] == "failed", sim.text
    [failed] = await outbox(gateway, key=no, event_type="payment.failed")
    assert failed["reason"] == "insufficient_funds" and failed["intentId"] == intent["intentId"]
    [projection] = await rows(gateway, OrderProjection, OrderProjection.order_no == no)
    assert projection.payment_status == "failed"
    retry = await intent_for(client, customer, no)
    assert retry.status_code == 201 and retry.json()["intentId"] != intent["intentId"]


async def test_a_capture_of_another_amount_is_flagged_not_paid(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    intent = (await intent_for(client, customer, order["orderNo"])).json()
    sim = await client.post(f"/v1/payments/simulate/{intent['intentId']}",
                            json={"outcome": "succeeded", "amountMinor": 100}, headers=bearer(customer["accessToken"]))
    assert sim.json()["webhook"]["outcome"] == "amount_mismatch"
    [failed] = await outbox(gateway, key=order["orderNo"], event_type="payment.failed")
    assert failed["reason"] == "amount_mismatch" and failed["amountMinor"] == 100
    assert await outbox(gateway, key=order["orderNo"], event_type="payment.succeeded") == []
    assert (await intents_of(gateway, order["orderNo"]))[0].flagged


async def test_simulate_is_only_for_the_intents_owner_and_unhandled_events_are_acknowledged(client, gateway,
                                                                                             customer):
    order = await new_order(client, gateway, customer)
    intent = (await intent_for(client, customer, order["orderNo"])).json()
    other = mint(gateway, "customer")
    resp = await client.post(f"/v1/payments/simulate/{intent['intentId']}", json={"outcome": "succeeded"},
                             headers=bearer(other))
    assert resp.status_code == 404
    assert (await client.post("/v1/payments/simulate/pi_nope", json={"outcome": "succeeded"},
                              headers=bearer(customer["accessToken"]))).status_code == 404
    bad = await client.post(f"/v1/payments/simulate/{intent['intentId']}", json={"outcome": "maybe"},
                            headers=bearer(customer["accessToken"]))
    assert bad.status_code == 422
    ignored = await deliver(client, gateway, event("customer.created", {"id": "cus_1"}))
    assert ignored.status_code == 200 and ignored.json()["outcome"] == "ignored"
    dev = payments_app(gateway).state.settings
    assert dev.is_dev  # the route exists only in dev/test (dependencies.dev_only)


async def test_order_events_keep_the_projection_current(client, gateway, customer):
    order = await new_order(client, gateway, customer)
    no = order["orderNo"]
    await feed(gateway, "order.cancelled", {"orderNo": no, "userId": customer["userId"], "reason": "expired",
                                            "cancelledAt": "2030-01-01T00:00:00Z"})
    resp = await intent_for(client, customer, no)
    assert resp.status_code == 409 and resp.headers["content-type"].startswith("application/problem+json")
