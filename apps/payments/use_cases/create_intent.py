"""Creating a payment intent for an order (POST /v1/payments/intent).

Idempotent twice over: the Idempotency-Key (same key + body → the stored answer, different body → 422), and per
order (the order's projection row is locked while its intent is created, and an open intent is reused), so
neither a retried request nor a second browser tab can start a second charge.
"""
from __future__ import annotations

from typing import Any

from apps.payments import projections
from apps.payments.clients import fetch_order
from apps.payments.exceptions import OrderNotFound, OrderNotPayable, ProviderFailed
from apps.payments.orm import OrderProjection, PaymentIntent
from apps.payments.providers.base import PaymentProvider, ProviderError
from apps.payments.repository import PaymentRepository
from apps.payments.use_cases import fraud
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# A failed attempt may be retried with a new intent (orders re-reserves on a later success); paid, refunded
# and cancelled orders have nothing to pay.
PAYABLE_PAYMENT_STATUSES = ("pending", "failed")
CLOSED_ORDER_STATUSES = ("cancelled", "returned")


def intent_body(intent: PaymentIntent) -> dict[str, Any]:
    return {"intentId": intent.id, "clientSecret": intent.client_secret, "provider": intent.provider,
            "amountMinor": intent.amount_minor, "currency": intent.currency, "orderNo": intent.order_no,
            "status": intent.status}


@use_case
async def create_intent(*, uow: UnitOfWork, provider: PaymentProvider, clients: ServiceClients, user: CurrentUser,
                        order_no: str, idempotency_key: str,
                        card: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    """(status code, body): the new or reused intent, or the answer stored for this Idempotency-Key."""
    scope = f"payments.intent:{user.id}"
    payments = uow.repository(PaymentRepository)
    stored = await payments.claim_key(scope=scope, key=idempotency_key, body={"orderNo": order_no})
    if stored is not None:
        return stored.status_code, stored.body
    order = await _payable_order(uow, clients, user, order_no)
    intent = await _open_intent(uow, order_no) or await _new_intent(uow, provider, order, card)
    body = intent_body(intent)
    await payments.remember_key(scope=scope, key=idempotency_key, status_code=201, body=body)
    return 201, body


async def _payable_order(uow: UnitOfWork, clients: ServiceClients, user: CurrentUser,
                         order_no: str) -> OrderProjection:
    """The order, locked; from the projection, or from orders when its order.created has not arrived yet."""
    order = await projections.get(uow, order_no, lock=True)
    if order is None:
        data = await fetch_order(clients, order_no)
        if data is not None and await projections.record(uow, data):
            order = await projections.get(uow, order_no, lock=True)
    # A stranger learns nothing about someone else's order: the same 404 as for no order at all.
    if order is None or order.user_id != user.id:
        raise OrderNotFound(f"No order {order_no!r}.")
    if order.status in CLOSED_ORDER_STATUSES or order.payment_status not in PAYABLE_PAYMENT_STATUSES:
        raise OrderNotPayable(f"Order {order_no} is {order.status} with payment {order.payment_status}; "
                              "there is nothing to pay.")
    await fraud.check_payable(uow, order_no)
    return order


async def _open_intent(uow: UnitOfWork, order_no: str) -> PaymentIntent | None:
    return await uow.repository(PaymentRepository).open_intent(order_no)


async def _new_intent(uow: UnitOfWork, provider: PaymentProvider, order: OrderProjection,
                      card: dict[str, Any] | None = None) -> PaymentIntent:
    attempt = await uow.repository(PaymentRepository).intent_count(order.order_no)
    try:
        # The provider-side key repeats if this transaction dies after the call, so a retry gets the same intent.
        created = await provider.create_intent(
            amount_minor=order.total_minor, currency=order.currency,
            metadata={"orderNo": order.order_no, "userId": order.user_id},
            idempotency_key=f"intent:{order.order_no}:{attempt}")
    except ProviderError as exc:
        raise ProviderFailed(str(exc)) from None
    now = utcnow()
    intent = PaymentIntent(id=created.id, provider=provider.name, order_no=order.order_no, user_id=order.user_id,
                           amount_minor=order.total_minor, currency=order.currency,
                           client_secret=created.client_secret, status="requires_payment",
                           created_at=now, updated_at=now)
    await uow.repository(PaymentRepository).add(intent)
    uow.emit("payment.intent.created", {
        "intentId": intent.id, "orderNo": order.order_no, "userId": order.user_id, "amountMinor": intent.amount_minor,
        "currency": intent.currency, "provider": intent.provider, "createdAt": intent.created_at,
        **({"cardFingerprint": card["fingerprint"], "cardCountry": card.get("country")} if card else {})},
        key=order.order_no)
    return intent
