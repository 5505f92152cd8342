"""The Stripe adapter: PaymentIntents and Refunds through the official `stripe` package (async methods over
httpx), webhooks verified with the same scheme Stripe's own Webhook.construct_event uses (signature.py).

The package is imported only when this provider is built, so the service runs without it on the simulated
provider; selecting Stripe without the package or STRIPE_SECRET_KEY fails at startup (factory.py).
"""
from __future__ import annotations

import importlib
from typing import Any

from apps.payments.providers.base import (
    ProviderConfigError,
    ProviderError,
    ProviderIntent,
    ProviderRefund,
    WebhookEvent,
    verified_event,
)

_REFUND_STATUS = {"succeeded": "succeeded", "pending": "pending", "requires_action": "pending",
                  "failed": "failed", "canceled": "failed"}


def load_stripe() -> Any:
    try:
        return importlib.import_module("stripe")
    except ImportError:
        raise ProviderConfigError(
            "PAYMENTS_PROVIDER=stripe (or STRIPE_SECRET_KEY set) needs the 'stripe' package, which is not "
            "installed in this environment: add it to the project's dependencies, or unset STRIPE_SECRET_KEY / "
            "set PAYMENTS_PROVIDER=simulated to use the local simulated provider.") from None


class StripeProvider:
    name = "stripe"

    def __init__(self, *, secret_key: str, webhook_secret: str, tolerance: int, stripe_module: Any = None) -> None:
        if not secret_key:
            raise ProviderConfigError("PAYMENTS_PROVIDER=stripe needs STRIPE_SECRET_KEY.")
        self._stripe = stripe_module or load_stripe()
        client = self._stripe.StripeClient(secret_key)
        # stripe ≥ 12 groups the v1 API under client.v1; older releases expose the services on the client.
        self._api = getattr(client, "v1", client)
        self._secret, self._tolerance = webhook_secret, tolerance

    async def create_intent(self, *, amount_minor: int, currency: str, metadata: dict[str, str],
                            idempotency_key: str) -> ProviderIntent:
        params = {"amount": amount_minor, "currency": currency.lower(), "metadata": metadata,
                  "automatic_payment_methods": {"enabled": True}}
        intent = await self._call(self._api.payment_intents.create_async, params, idempotency_key)
        return ProviderIntent(id=intent["id"], client_secret=intent["client_secret"],
                              amount_minor=int(intent["amount"]), currency=str(intent["currency"]).upper(),
                              status=str(intent["status"]))

    async def refund(self, *, intent_id: str, amount_minor: int, reason: str, metadata: dict[str, str],
                     idempotency_key: str) -> ProviderRefund:
        # Stripe's `reason` is an enum (duplicate|fraudulent|requested_by_customer); ours travels as metadata.
        params = {"payment_intent": intent_id, "amount": amount_minor, "reason": "requested_by_customer",
                  "metadata": {**metadata, "reason": reason[:450]}}
        refund = await self._call(self._api.refunds.create_async, params, idempotency_key)
        return ProviderRefund(id=refund["id"], amount_minor=int(refund["amount"]),
                              status=_REFUND_STATUS.get(str(refund["status"]), "pending"))  # type: ignore[arg-type]

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> WebhookEvent:
        return verified_event(payload, signature_header, secret=self._secret, tolerance=self._tolerance)

    async def _call(self, method: Any, params: dict[str, Any], idempotency_key: str) -> Any:
        try:
            return await method(params=params, options={"idempotency_key": idempotency_key})
        except self._stripe.StripeError as exc:
            message = getattr(exc, "user_message", None) or str(exc)
            raise ProviderError(f"Stripe refused the call: {message}"[:300]) from None

    async def close(self) -> None:
        return None
