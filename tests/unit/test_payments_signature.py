"""Stripe-compatible webhook signatures: what verifies, what does not, and the 300 s tolerance."""
from __future__ import annotations

import json

import pytest

from apps.payments.providers import signature
from apps.payments.providers.base import MalformedEvent
from apps.payments.providers.signature import InvalidSignature
from apps.payments.providers.simulated import SimulatedProvider, event, intent_object

SECRET = "whsec_test_secret"
PAYLOAD = b'{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}'
NOW = 1_700_000_000


def test_signature_is_hmac_sha256_over_timestamp_dot_payload():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + PAYLOAD, hashlib.sha256).hexdigest()
    assert signature.header(PAYLOAD, SECRET, NOW) == f"t={NOW},v1={expected}"
    assert signature.verify(PAYLOAD, f"t={NOW},v1={expected}", SECRET, now=NOW) == NOW


@pytest.mark.parametrize("age", [0, 299, 300, -300])
def test_within_tolerance_verifies(age):
    head = signature.header(PAYLOAD, SECRET, NOW - age)
    assert signature.verify(PAYLOAD, head, SECRET, tolerance=300, now=NOW) == NOW - age


@pytest.mark.parametrize("age", [301, 3600, -301])
def test_outside_tolerance_is_stale(age):
    head = signature.header(PAYLOAD, SECRET, NOW - age)
    with pytest.raises(InvalidSignature, match="tolerance"):
        signature.verify(PAYLOAD, head, SECRET, tolerance=300, now=NOW)


def test_any_of_several_v1_signatures_may_match():
    good = signature.compute(PAYLOAD, SECRET, NOW)
    bad = signature.compute(PAYLOAD, "whsec_old", NOW)
    for head in (f"t={NOW},v1={bad},v1={good}", f"t={NOW},v1={good},v1={bad}", f"v1={good}, t={NOW}",
                 f"t={NOW},v0=ignored,v1={good}"):
        assert signature.verify(PAYLOAD, head, SECRET, now=NOW) == NOW


@pytest.mark.parametrize("payload", [
    PAYLOAD.replace(b"pi_1", b"pi_2"),
    PAYLOAD + b" ",
    PAYLOAD.replace(b"succeeded", b"payment_failed"),
])
def test_tampered_payload_is_refused(payload):
    head = signature.header(PAYLOAD, SECRET, NOW)
    with pytest.raises(InvalidSignature, match="No signature"):
        signature.verify(payload, head, SECRET, now=NOW)


def test_tampered_timestamp_is_refused():
    good = signature.compute(PAYLOAD, SECRET, NOW)
    with pytest.raises(InvalidSignature):
        signature.verify(PAYLOAD, f"t={NOW + 1},v1={good}", SECRET, now=NOW)


def test_wrong_secret_is_refused():
    with pytest.raises(InvalidSignature):
        signature.verify(PAYLOAD, signature.header(PAYLOAD, "whsec_other", NOW), SECRET, now=NOW)


@pytest.mark.parametrize("head", [None, "", "garbage", "t=abc,v1=00", f"t={NOW}", "v1=abcd", "t=,v1=", "x" * 5000,
                                  f"t={NOW},v1=zz\u00e9"])
def test_missing_or_malformed_header_is_refused(head):
    with pytest.raises(InvalidSignature):
        signature.verify(PAYLOAD, head, SECRET, now=NOW)


def test_simulated_provider_signs_what_it_verifies():
    provider = SimulatedProvider(webhook_secret=SECRET)
    sent = event("payment_intent.succeeded", intent_object("pi_x", amount_minor=1299, currency="USD",
                                                           order_no="MKT-1", status="succeeded"))
    body, head = provider.signed(sent)
    parsed = provider.parse_webhook(body, head)
    assert parsed.id == sent["id"] and parsed.id.startswith("evt_")
    assert parsed.type == "payment_intent.succeeded" and parsed.object_id == "pi_x"
    assert parsed.obj["amount"] == 1299 and parsed.metadata == {"orderNo": "MKT-1"}
    with pytest.raises(InvalidSignature):
        provider.parse_webhook(body.replace(b"1299", b"1"), head)


def test_signed_body_that_is_not_an_event_is_malformed():
    provider = SimulatedProvider(webhook_secret=SECRET)
    for body in (b"not json", json.dumps([1, 2]).encode(), json.dumps({"id": 1}).encode()):
        with pytest.raises(MalformedEvent):
            provider.parse_webhook(body, signature.header(body, SECRET))


async def test_simulated_intents_look_like_stripe_and_honour_idempotency_keys():
    provider = SimulatedProvider(webhook_secret=SECRET)
    first = await provider.create_intent(amount_minor=500, currency="USD", metadata={}, idempotency_key="k1")
    again = await provider.create_intent(amount_minor=500, currency="USD", metadata={}, idempotency_key="k1")
    other = await provider.create_intent(amount_minor=500, currency="USD", metadata={}, idempotency_key="k2")
    assert first == again and first.id != other.id
    assert first.id.startswith("pi_") and first.client_secret.startswith(f"{first.id}_secret_")
    refund = await provider.refund(intent_id=first.id, amount_minor=100, reason="r", metadata={}, idempotency_key="r")
    assert refund.id.startswith("re_") and refund.status == "succeeded"
