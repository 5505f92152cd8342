"""Shopper-facing payment routes and the provider webhook (API.md § Orders & payments)."""
from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse

from apps.payments import queries
from apps.payments.dependencies import IdempotencyKeyDep, ProviderDep, dev_only
from apps.payments.exceptions import IntentNotFound
from apps.payments.providers import simulated
from apps.payments.schemas import IntentIn, IntentOut, SimulateIn, SimulateOut, WebhookOut
from apps.payments.use_cases import create_intent as intents
from apps.payments.use_cases.webhook import receive as receive_webhook
from apps.payments.views import answer
from kernel.auth import CurrentUserDep
from kernel.service_app import ServiceClientsDep, UowDep

router = APIRouter(prefix="/v1/payments", tags=["payments"])
SIGNATURE_HEADER = "Stripe-Signature"


@router.post("/intent", status_code=status.HTTP_201_CREATED, response_model=IntentOut)
async def create_intent(body: IntentIn, uow: UowDep, user: CurrentUserDep, key: IdempotencyKeyDep,
                        provider: ProviderDep, clients: ServiceClientsDep) -> JSONResponse:
    code, body_out = await intents.create_intent(uow=uow, provider=provider, clients=clients, user=user,
                                                 order_no=body.order_no, idempotency_key=key,
                                                 card=body.card.model_dump() if body.card else None)
    return answer(IntentOut.model_validate(body_out), code)


@router.post("/webhook", response_model=WebhookOut)
async def webhook(request: Request, uow: UowDep, provider: ProviderDep) -> WebhookOut:
    """Signed provider callbacks; the raw body is what the signature covers, so it is read untouched."""
    return WebhookOut.model_validate(await receive_webhook(uow=uow, provider=provider, payload=await request.body(),
                                                           signature=request.headers.get(SIGNATURE_HEADER)))


@router.post("/simulate/{intentId}", response_model=SimulateOut, dependencies=[Depends(dev_only)])
async def simulate(intentId: str, body: SimulateIn, request: Request, uow: UowDep,  # noqa: N803 - public name
                   user: CurrentUserDep, provider: ProviderDep) -> SimulateOut:
    """Dev only: play the shopper's card and deliver the provider's signed event to our own webhook."""
    if not isinstance(provider, simulated.SimulatedProvider):
        raise IntentNotFound("Payments are simulated only with the simulated provider.")
    async with uow.reading():
        intent = await queries.get_intent(uow, intentId)
    if intent.user_id != user.id and not user.has_any("super_admin", "staff"):
        raise IntentNotFound(f"No payment intent {intentId!r}.")
    succeeded = body.outcome == "succeeded"
    obj = simulated.intent_object(
        intent.id, amount_minor=intent.amount_minor if body.amount_minor is None else body.amount_minor,
        currency=intent.currency, order_no=intent.order_no,
        status="succeeded" if succeeded else "requires_payment_method",
        failure_code=None if succeeded else body.failure_code,
        card=body.card.model_dump() if body.card else None)
    event = simulated.event("payment_intent.succeeded" if succeeded else "payment_intent.payment_failed", obj)
    payload, signature = provider.signed(event)
    # In-process delivery through the app's own ASGI stack: the same verification path a real provider takes.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=request.app),
                                 base_url="http://payments.internal") as client:
        resp = await client.post("/v1/payments/webhook", content=payload,
                                 headers={SIGNATURE_HEADER: signature, "content-type": "application/json"})
    return SimulateOut(eventId=event["id"], type=event["type"], intentId=intent.id, webhookStatus=resp.status_code,
                       webhook=resp.json())
