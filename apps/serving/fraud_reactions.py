"""Fraud's reactions (merged into apps/serving/consumers.py): every order.created is scored at once, provisionally
while the checkout's card is unknown (the model was trained with the card presented at checkout, and reads a missing
card as a risk); the decision is taken when the card shows — the payment intent created with it, or the first
payment attempt — or when the payment lands without one. user.created keeps the account projection (account age).

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


async def on_user_created(*, uow: UnitOfWork, event: Envelope) -> None:
    await fraud_service.record_account(uow, event.data, event.occurred_at)


async def on_order_created(*, uow: UnitOfWork, event: Envelope) -> None:
    """Scored at once; provisional (no decision) unless the checkout's card is already known."""
    champions, online, enforced = _bound()
    order, complete = await fraud_service.record_order(uow, event.data, event.occurred_at)
    if order is not None:
        await fraud_service.score_order(uow=uow, champions=champions, online=online, order=order, enforced=enforced,
                                        final=complete)


async def on_payment(*, uow: UnitOfWork, event: Envelope) -> None:
    """The decision: when a payment attempt first shows the card, or when the payment lands without one."""
    champions, online, enforced = _bound()
    order, learnt_card = await fraud_service.record_card(uow, event.data)
    if order is None:
        return
    landed_undecided = event.type == "payment.succeeded" and not await fraud_service.is_decided(uow, order.order_no)
    if learnt_card or landed_undecided:
        await fraud_service.score_order(uow=uow, champions=champions, online=online, order=order, enforced=enforced)


REACTIONS = {
    "order.created": on_order_created,
    "user.created": on_user_created,
    "payment.intent_created": on_payment,
    "payment.failed": on_payment,
    "payment.succeeded": on_payment,
}
