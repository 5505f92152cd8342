"""Choosing the provider: simulated by default; Stripe without its package or key stops startup, clearly."""
from __future__ import annotations

import importlib.util

import pytest

from apps.payments.config import PaymentsSettings
from apps.payments.providers.base import ProviderConfigError
from apps.payments.providers.factory import build_provider, provider_name
from apps.payments.providers.simulated import SimulatedProvider

STRIPE_INSTALLED = importlib.util.find_spec("stripe") is not None


def test_default_is_simulated():
    settings = PaymentsSettings(provider="auto", stripe_secret_key="")
    assert provider_name(settings) == "simulated"
    assert isinstance(build_provider(settings), SimulatedProvider)


def test_a_stripe_key_selects_stripe_in_auto_mode():
    assert provider_name(PaymentsSettings(provider="auto", stripe_secret_key="sk_test_x")) == "stripe"


def test_stripe_without_a_key_is_refused():
    with pytest.raises(ProviderConfigError, match="STRIPE_SECRET_KEY"):
        build_provider(PaymentsSettings(provider="stripe", stripe_secret_key=""))


@pytest.mark.skipif(STRIPE_INSTALLED, reason="the stripe package is installed here")
def test_stripe_without_the_package_fails_at_app_creation():
    from apps.payments.main import create_app

    with pytest.raises(ProviderConfigError, match="'stripe' package"):
        create_app(PaymentsSettings(provider="stripe", stripe_secret_key="sk_test_x"))


class _FakeStripeError(Exception):
    user_message = "Your card was declined."


class _Service:
    def __init__(self, answer, calls):
        self.answer, self.calls = answer, calls

    async def create_async(self, *, params, options):
        self.calls.append((params, options))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class _FakeStripe:
    """Just enough of the stripe package's surface for the adapter: StripeClient(key).v1.<service>.create_async."""

    StripeError = _FakeStripeError

    def __init__(self, intent=None, refund=None):
        self.calls: list = []
        outer = self

        class StripeClient:
            def __init__(self, key):
                outer.key = key
                self.v1 = type("V1", (), {"payment_intents": _Service(intent, outer.calls),
                                          "refunds": _Service(refund, outer.calls)})()

        self.StripeClient = StripeClient


async def test_stripe_adapter_maps_intents_and_refunds():
    from apps.payments.providers.stripe_provider import StripeProvider

    fake = _FakeStripe(intent={"id": "pi_1", "client_secret": "pi_1_secret_x", "amount": 1299, "currency": "usd",
                               "status": "requires_payment_method"},
                       refund={"id": "re_1", "amount": 200, "status": "pending"})
    provider = StripeProvider(secret_key="sk_test_x", webhook_secret="whsec", tolerance=300, stripe_module=fake)
    intent = await provider.create_intent(amount_minor=1299, currency="USD", metadata={"orderNo": "MKT-1"},
                                          idempotency_key="intent:MKT-1:0")
    assert (intent.id, intent.client_secret, intent.amount_minor, intent.currency) == \
        ("pi_1", "pi_1_secret_x", 1299, "USD")
    params, options = fake.calls[0]
    assert params["amount"] == 1299 and params["currency"] == "usd" and params["metadata"] == {"orderNo": "MKT-1"}
    assert options == {"idempotency_key": "intent:MKT-1:0"} and fake.key == "sk_test_x"
    refund = await provider.refund(intent_id="pi_1", amount_minor=200, reason="damaged", metadata={},
                                   idempotency_key="refund:r1")
    assert (refund.id, refund.status) == ("re_1", "pending")
    assert fake.calls[1][0]["payment_intent"] == "pi_1" and fake.calls[1][0]["metadata"]["reason"] == "damaged"


async def test_stripe_adapter_turns_stripe_errors_into_provider_errors():
    from apps.payments.providers.base import ProviderError
    from apps.payments.providers.stripe_provider import StripeProvider

    provider = StripeProvider(secret_key="sk_test_x", webhook_secret="whsec", tolerance=300,
                              stripe_module=_FakeStripe(intent=_FakeStripeError("declined")))
    with pytest.raises(ProviderError, match="declined"):
        await provider.create_intent(amount_minor=1, currency="USD", metadata={}, idempotency_key="k")


async def test_the_simulator_route_does_not_exist_outside_dev_and_test():
    import httpx

    from apps.payments.main import create_app

    secrets = {"secret_key": "s" * 32, "webhook_secret": "whsec_" + "w" * 24, "typesense_api_key": "t" * 16,
               "data_encryption_key": "ZmFrZS1rZXktZm9yLXRoZS1wcm9kLXRlc3Q9PT09PT0=", "internal_api_token": "i" * 32}
    app = create_app(PaymentsSettings(env="prod", provider="simulated", **secrets))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://payments") as client:
        resp = await client.post("/v1/payments/simulate/pi_123", json={"outcome": "succeeded"})
    assert resp.status_code == 404 and resp.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", ["/v1/payments/intent", "/v1/payments/webhook", "/v1/payments/simulate/pi_1",
                                  "/v1/admin/orders/MKT-1/refunds", "/v1/vendors/v1/earnings",
                                  "/v1/vendors/v1/payout-request", "/v1/admin/payouts", "/v1/admin/payouts/p1"])
def test_the_gateway_sends_payments_paths_to_payments(path):
    from apps.gateway.routes import service_for

    assert service_for(path) == "payments"
