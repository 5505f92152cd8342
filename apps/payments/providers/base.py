"""The provider-neutral payment boundary (after saleor's payment/interface.py): what the payments service needs
from any provider, in its own types. Providers verify their own webhooks and return neutral events."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from apps.payments.providers.signature import InvalidSignature, verify


class ProviderError(Exception):
    """The provider refused the call or could not be reached."""


class ProviderConfigError(RuntimeError):
    """The configured provider cannot run (missing package or key): raised at startup, never per request."""


class MalformedEvent(ValueError):
    """A correctly signed body that is not a provider event."""


@dataclass(frozen=True)
class ProviderIntent:
    id: str
    client_secret: str
    amount_minor: int
    currency: str
    status: str = "requires_payment_method"


@dataclass(frozen=True)
class ProviderRefund:
    id: str
    amount_minor: int
    status: Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event: id and type as the provider names them, its data.object untouched."""

    id: str
    type: str
    created: int
    obj: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def object_id(self) -> str | None:
        value = self.obj.get("id")
        return str(value) if value is not None else None

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.obj.get("metadata")
        return meta if isinstance(meta, dict) else {}


class PaymentProvider(Protocol):
    name: str

    async def create_intent(self, *, amount_minor: int, currency: str, metadata: dict[str, str],
                            idempotency_key: str) -> ProviderIntent: ...

    async def refund(self, *, intent_id: str, amount_minor: int, reason: str, metadata: dict[str, str],
                     idempotency_key: str) -> ProviderRefund: ...

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> WebhookEvent: ...

    async def close(self) -> None: ...


def verified_event(payload: bytes, signature_header: str | None, *, secret: str, tolerance: int) -> WebhookEvent:
    """Stripe-style verification then parsing, shared by every provider that signs like Stripe."""
    verify(payload, signature_header, secret, tolerance=tolerance)
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise MalformedEvent("The webhook body is not JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not isinstance(body.get("type"), str):
        raise MalformedEvent("The webhook body has no event id or type.")
    data = body.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    created = body.get("created")
    return WebhookEvent(id=body["id"][:255], type=body["type"][:120],
                        created=created if isinstance(created, int) else 0,
                        obj=obj if isinstance(obj, dict) else {}, raw=body)


__all__ = ["InvalidSignature", "MalformedEvent", "PaymentProvider", "ProviderConfigError", "ProviderError",
           "ProviderIntent", "ProviderRefund", "WebhookEvent", "verified_event"]
