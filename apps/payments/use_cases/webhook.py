"""The provider webhook (POST /v1/payments/webhook): verify the signature, record the provider's event id once,
then apply it. A replayed event id finds its row and changes nothing; a concurrent replay waits on the primary
key until the first delivery commits, then does the same. Events we do not handle are recorded and answered 200,
as providers expect (anything else makes them retry for days)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from apps.payments import projections
from apps.payments.exceptions import InvalidWebhook, ProviderFailed
from apps.payments.orm import Payment, PaymentIntent, ProviderEvent, Refund
from apps.payments.providers.base import (
    InvalidSignature,
    MalformedEvent,
    PaymentProvider,
    ProviderError,
    WebhookEvent,
)
from apps.payments.use_cases import fraud
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("payments.webhook")
Handler = Callable[[UnitOfWork, WebhookEvent, PaymentProvider], Awaitable[str]]


def verify(provider: PaymentProvider, payload: bytes, signature: str | None) -> WebhookEvent:
    """Before any database work: a bad, stale or missing signature is a 400 and leaves no trace."""
    try:
        return provider.parse_webhook(payload, signature)
    except (InvalidSignature, MalformedEvent) as exc:
        raise InvalidWebhook(str(exc)) from None


async def receive(*, uow: UnitOfWork, provider: PaymentProvider, payload: bytes,
                  signature: str | None) -> dict[str, Any]:
    """The webhook use case: verify (before any database work), then record and apply the event in one unit of work.
    A verified delivery whose handling fails also lands in the poison queue (use_cases/webhook_failures.py)."""
    event = verify(provider, payload, signature)
    try:
        return await handle(uow, provider, event)
    except Exception as exc:
        from apps.payments.use_cases import webhook_failures

        await webhook_failures.record(uow, provider, event, exc)
        raise


@use_case
async def handle(uow: UnitOfWork, provider: PaymentProvider, event: WebhookEvent) -> dict[str, Any]:
    first = await uow.session.execute(
        insert(ProviderEvent).values(id=event.id, provider=provider.name, type=event.type,
                                     object_id=(event.object_id or "")[:255] or None, outcome="received",
                                     payload=event.raw, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["id"]).returning(ProviderEvent.id))
    if first.first() is None:
        outcome = await uow.session.scalar(select(ProviderEvent.outcome).where(ProviderEvent.id == event.id))
        return {"eventId": event.id, "type": event.type, "duplicate": True, "outcome": outcome or "received"}
    handler = HANDLERS.get(event.type)
    outcome = await handler(uow, event, provider) if handler else "ignored"
    await uow.session.execute(update(ProviderEvent).where(ProviderEvent.id == event.id).values(outcome=outcome))
    log.info("payments.webhook", event_id=event.id, type=event.type, outcome=outcome)
    return {"eventId": event.id, "type": event.type, "duplicate": False, "outcome": outcome}


async def _intent(uow: UnitOfWork, event: WebhookEvent) -> PaymentIntent | None:
    if not event.object_id:
        return None
    return await uow.session.scalar(select(PaymentIntent).where(PaymentIntent.id == event.object_id)
                                    .with_for_update().execution_options(populate_existing=True))


def _captured(event: WebhookEvent) -> tuple[int | None, str]:
    amount = event.obj.get("amount_received") or event.obj.get("amount")
    valid = isinstance(amount, int) and not isinstance(amount, bool)
    return (amount if valid else None), str(event.obj.get("currency") or "").upper()


def card_of(event: WebhookEvent | None) -> dict[str, str]:
    """The card of the attempt as the provider describes it (Stripe: latest_charge.payment_method_details.card, or
    the older charges.data[0]): fingerprint (same card across accounts) and issuing country, for fraud scoring."""
    if event is None:
        return {}
    charge = event.obj.get("latest_charge")
    if not isinstance(charge, dict):
        listed = event.obj.get("charges")
        data = listed.get("data") if isinstance(listed, dict) else None
        charge = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    details = charge.get("payment_method_details")
    card = details.get("card") if isinstance(details, dict) else None
    if not isinstance(card, dict):
        return {}
    out = {}
    if isinstance(card.get("fingerprint"), str) and 0 < len(card["fingerprint"]) <= 64:
        out["cardFingerprint"] = card["fingerprint"]
    if isinstance(card.get("country"), str) and len(card["country"]) == 2:
        out["cardCountry"] = card["country"].upper()
    return out


async def _fail(uow: UnitOfWork, intent: PaymentIntent, reason: str, *, amount: int | None = None,
                event: WebhookEvent | None = None) -> None:
    now = utcnow()
    intent.status, intent.failure_reason, intent.updated_at = "failed", reason[:200], now
    await projections.update(uow, intent.order_no, payment_status="failed")
    uow.emit("payment.failed", {"intentId": intent.id, "orderNo": intent.order_no, "reason": reason[:200],
                                "amountMinor": intent.amount_minor if amount is None else amount,
                                "currency": intent.currency, "provider": intent.provider, "failedAt": now,
                                **card_of(event)},
             key=intent.order_no)


async def on_succeeded(uow: UnitOfWork, event: WebhookEvent, provider: PaymentProvider) -> str:
    intent = await _intent(uow, event)
    if intent is None:
        return "unknown_intent"
    if intent.status == "succeeded":
        return "already_succeeded"
    if intent.flagged:
        return "flagged"
    amount, currency = _captured(event)
    if amount != intent.amount_minor or currency != intent.currency:
        # Money moved, but not the amount we asked for: flag it for a human and do not mark the order paid.
        intent.flagged = True
        await _fail(uow, intent, "amount_mismatch", amount=amount)
        log.warning("payments.amount_mismatch", intent_id=intent.id, expected=intent.amount_minor, got=amount)
        return "amount_mismatch"
    if await uow.session.scalar(select(Payment.id).where(Payment.order_no == intent.order_no)) is not None:
        return await _refund_duplicate(uow, provider, intent, amount)
    now = utcnow()
    payment = Payment(id=new_id_str(), intent_id=intent.id, order_no=intent.order_no, provider=intent.provider,
                      amount_minor=amount, refunded_minor=0, currency=intent.currency, provider_event_id=event.id,
                      succeeded_at=now)
    uow.session.add(payment)
    intent.status, intent.updated_at = "succeeded", now
    await projections.update(uow, intent.order_no, payment_status="paid", paid_at=now)
    uow.emit("payment.succeeded", {"paymentId": payment.id, "intentId": intent.id, "orderNo": intent.order_no,
                                   "amountMinor": amount, "currency": intent.currency, "provider": intent.provider,
                                   "providerEventId": event.id, "succeededAt": now, **card_of(event)},
             key=intent.order_no)
    if await fraud.flag_of(uow, intent.order_no) == "rejected":
        # Captured on an intent created before fraud screening rejected the order: give it straight back.
        await fraud.refund_if_captured(uow, provider, intent.order_no)
        return "succeeded_refunded_fraud"
    return "succeeded"


async def _refund_duplicate(uow: UnitOfWork, provider: PaymentProvider, intent: PaymentIntent, amount: int) -> str:
    """A second intent of an already paid order was captured too (an old tab retried): give it straight back.

    If the provider refuses, the webhook answers 502 and the whole delivery rolls back, so the provider retries.
    """
    try:
        await provider.refund(intent_id=intent.id, amount_minor=amount, reason="duplicate_capture",
                              metadata={"orderNo": intent.order_no}, idempotency_key=f"duplicate:{intent.id}")
    except ProviderError as exc:
        raise ProviderFailed(f"Refunding the duplicate capture {intent.id} failed: {exc}") from None
    intent.status, intent.flagged, intent.failure_reason = "failed", True, "duplicate_capture_refunded"
    intent.updated_at = utcnow()
    log.warning("payments.duplicate_capture_refunded", intent_id=intent.id, order_no=intent.order_no)
    return "duplicate_refunded"


async def on_failed(uow: UnitOfWork, event: WebhookEvent, provider: PaymentProvider) -> str:
    intent = await _intent(uow, event)
    if intent is None:
        return "unknown_intent"
    if intent.status != "requires_payment":
        return f"ignored_{intent.status}"
    error = event.obj.get("last_payment_error")
    reason = str(error.get("code") or "payment_failed") if isinstance(error, dict) else "payment_failed"
    await _fail(uow, intent, reason, event=event)
    return "failed"


async def on_charge_refunded(uow: UnitOfWork, event: WebhookEvent, provider: PaymentProvider) -> str:
    """Confirms our refunds the provider settled; refunds made outside the marketplace are only logged."""
    listed = event.obj.get("refunds")
    data = listed.get("data") if isinstance(listed, dict) else None
    confirmed = 0
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict) or item.get("status") != "succeeded" or not isinstance(item.get("id"), str):
            continue
        refund = await uow.session.scalar(select(Refund).where(Refund.provider_refund_id == item["id"])
                                          .with_for_update())
        if refund is None:
            log.warning("payments.unknown_refund", provider_refund_id=item["id"], event_id=event.id)
        elif refund.confirmed_at is None:
            refund.status, refund.confirmed_at = "succeeded", utcnow()
            confirmed += 1
    return f"refunds_confirmed:{confirmed}"


HANDLERS: dict[str, Handler] = {
    "payment_intent.succeeded": on_succeeded,
    "payment_intent.payment_failed": on_failed,
    "charge.refunded": on_charge_refunded,
}
