"""Fraud's reactions (merged into apps/serving/consumers.py): every order.created is scored; the projections
scoring reads are kept from user.created and the payment events that carry the card. When the card of an order
becomes known (its first payment attempt), the order is scored again — the model was trained with the card
presented at checkout — and a stricter decision than the first is stored and announced (approve → review → reject).

The handlers need the app's champion store and Feast reader, which exist once the app started: `bind` (an
on_startup hook) hands them in; a handler that runs before raises, so the consumer retries a moment later.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from apps.serving import fraud_service
from apps.serving.fraud_features import OnlineFeatures
from kernel.events import Envelope
from kernel.uow import UnitOfWork


class _Bound:
    app: FastAPI | None = None


BOUND = _Bound()


async def bind(app: FastAPI) -> None:
    if getattr(app.state, "fraud_online", None) is None:
        app.state.fraud_online = OnlineFeatures(timeout=app.state.settings.fraud_feature_timeout_seconds)
    BOUND.app = app


def _bound() -> tuple[Any, OnlineFeatures, bool]:
    """Read from the app at each event, so a store or mode swapped in at run time (tests) is the one used."""
    if BOUND.app is None:
        raise RuntimeError("fraud reactions ran before the serving app started; retrying")
    state = BOUND.app.state
    return state.champions, state.fraud_online, state.settings.fraud_mode == "enforce"


async def on_order_created(*, uow: UnitOfWork, event: Envelope) -> None:
    champions, online, enforced = _bound()
    order = await fraud_service.record_order(uow, event.data, event.occurred_at)
    if order is not None:
        await fraud_service.score_order(uow=uow, champions=champions, online=online, order=order, enforced=enforced)


async def on_user_created(*, uow: UnitOfWork, event: Envelope) -> None:
    await fraud_service.record_account(uow, event.data, event.occurred_at)


async def on_payment_with_card(*, uow: UnitOfWork, event: Envelope) -> None:
    champions, online, enforced = _bound()
    order = await fraud_service.record_card(uow, event.data)
    if order is not None:
        await fraud_service.score_order(uow=uow, champions=champions, online=online, order=order, enforced=enforced)


REACTIONS = {
    "order.created": on_order_created,
    "user.created": on_user_created,
    "payment.intent_created": on_payment_with_card,
    "payment.failed": on_payment_with_card,
    "payment.succeeded": on_payment_with_card,
}
