"""A local provider that behaves like Stripe: `pi_...` intents with `pi_..._secret_...` client secrets, `re_...`
refunds, Stripe-shaped events signed with WEBHOOK_SECRET exactly as Stripe signs them. Nothing leaves the
process; a dev-only route (POST /v1/payments/simulate/{intentId}) plays the shopper's card and sends the event."""
from __future__ import annotations

import json
import secrets
import string
import time
from collections import OrderedDict
from typing import Any

from apps.payments.providers import signature
from apps.payments.providers.base import ProviderIntent, ProviderRefund, WebhookEvent, verified_event

_ALPHABET = string.ascii_letters + string.digits
_REMEMBERED = 10_000  # idempotency keys kept, like Stripe's 24 h window but bounded by count


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def stripe_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{_random(length)}"


class SimulatedProvider:
    name = "simulated"

    def __init__(self, *, webhook_secret: str, tolerance: int = signature.DEFAULT_TOLERANCE) -> None:
        self._secret, self._tolerance = webhook_secret, tolerance
        # Same idempotency key → the same object back, as Stripe does, so a retried call never creates twice.
        self._seen: OrderedDict[str, Any] = OrderedDict()

    def _remember(self, key: str, value: Any) -> Any:
        self._seen[key] = value
        while len(self._seen) > _REMEMBERED:
            self._seen.popitem(last=False)
        return value

    async def create_intent(self, *, amount_minor: int, currency: str, metadata: dict[str, str],
                            idempotency_key: str) -> ProviderIntent:
        if (known := self._seen.get(f"intent:{idempotency_key}")) is not None:
            return known
        intent_id = stripe_id("pi")
        return self._remember(f"intent:{idempotency_key}", ProviderIntent(
            id=intent_id, client_secret=f"{intent_id}_secret_{_random(24)}",
            amount_minor=amount_minor, currency=currency))

    async def refund(self, *, intent_id: str, amount_minor: int, reason: str, metadata: dict[str, str],
                     idempotency_key: str) -> ProviderRefund:
        if (known := self._seen.get(f"refund:{idempotency_key}")) is not None:
            return known
        return self._remember(f"refund:{idempotency_key}",
                              ProviderRefund(id=stripe_id("re"), amount_minor=amount_minor, status="succeeded"))

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> WebhookEvent:
        return verified_event(payload, signature_header, secret=self._secret, tolerance=self._tolerance)

    def signed(self, event: dict[str, Any], *, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and Stripe-Signature header a real delivery of `event` would carry."""
        body = json.dumps(event, separators=(",", ":")).encode()
        return body, signature.header(body, self._secret, timestamp)

    async def close(self) -> None:
        self._seen.clear()


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """A Stripe-shaped event envelope around `obj` (its data.object)."""
    return {"id": event_id or stripe_id("evt"), "object": "event", "api_version": "2024-06-20",
            "created": int(time.time()), "livemode": False, "type": event_type, "data": {"object": obj},
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}}


def intent_object(intent_id: str, *, amount_minor: int, currency: str, order_no: str, status: str,
                  failure_code: str | None = None, card: dict[str, Any] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": intent_id, "object": "payment_intent", "amount": amount_minor,
                           "amount_received": amount_minor if status == "succeeded" else 0,
                           "currency": currency.lower(), "status": status, "metadata": {"orderNo": order_no}}
    if failure_code:
        obj["last_payment_error"] = {"code": failure_code, "message": "Your card was declined."}
    if card:
        # Where Stripe puts the card of the attempt: the latest charge's payment_method_details.
        obj["latest_charge"] = {"id": stripe_id("ch"), "object": "charge", "payment_method_details": {
            "type": "card", "card": {"fingerprint": card.get("fingerprint"), "country": card.get("country")}}}
    return obj


def charge_refunded_object(intent_id: str, *, amount_minor: int, currency: str, order_no: str,
                           refunds: list[dict[str, Any]]) -> dict[str, Any]:
    """A charge.refunded data.object: refunds[] as Stripe lists them ({id, amount, status})."""
    refunded = sum(int(r.get("amount", 0)) for r in refunds)
    return {"id": stripe_id("ch"), "object": "charge", "payment_intent": intent_id, "amount": amount_minor,
            "amount_refunded": refunded, "currency": currency.lower(), "refunded": refunded >= amount_minor,
            "metadata": {"orderNo": order_no},
            "refunds": {"object": "list", "data": [{"object": "refund", **r} for r in refunds]}}
