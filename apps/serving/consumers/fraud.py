"""Fraud's reactions (merged into apps/serving/consumers.py): every order.created is scored at once, provisionally
while the checkout's card is unknown (the model was trained with the card presented at checkout, and reads a missing
card as a risk); the decision is taken when the card shows — the payment intent created with it, or the first
payment attempt — or when the payment lands without one. user.created keeps the account projection (account age).

The handlers need the app's champion store, Feast reader and fraud mode: the serving wiring (main.py) builds them
with `build_reactions` once the app has started. The champion store is read at each event through `champions`, so
a store swapped in at run time (tests) is the one used.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.serving.projections import fraud as projections
from apps.serving.queries.fraud import is_decided
from apps.serving.use_cases.score_order import score_order
from apps.serving.features import OnlineFeatures
from kernel.consumer import Event, Handler
from kernel.contracts.orders import OrderCreated
from kernel.contracts.payments import IntentCreated, PaymentFailed, PaymentSucceeded
from kernel.contracts.users import UserCreated
from kernel.uow import UnitOfWork


def build_reactions(*, champions: Callable[[], Any], online: OnlineFeatures, enforced: bool) -> dict[str, Handler]:
    async def on_user_created(*, uow: UnitOfWork, event: Event[UserCreated]) -> None:
        await projections.record_account(uow, event.data.wire(), event.occurred_at)

    async def on_order_created(*, uow: UnitOfWork, event: Event[OrderCreated]) -> None:
        """Scored at once; provisional (no decision) unless the checkout's card is already known."""
        order, complete = await projections.record_order(uow, event.data.wire(), event.occurred_at)
        if order is not None:
            await score_order(uow=uow, champions=champions(), online=online, order=order,
                                            enforced=enforced, final=complete)

    async def on_payment(*, uow: UnitOfWork, event: Event[IntentCreated | PaymentFailed | PaymentSucceeded]) -> None:
        """The decision: when a payment attempt first shows the card, or when the payment lands without one."""
        order, learnt_card = await projections.record_card(uow, event.data.wire())
        if order is None:
            return
        landed_undecided = (event.type == "payment.succeeded"
                            and not await is_decided(uow, order.order_no))
        if learnt_card or landed_undecided:
            await score_order(uow=uow, champions=champions(), online=online, order=order,
                                            enforced=enforced)

    return {
        "order.created": on_order_created,
        "user.created": on_user_created,
        "payment.intent.created": on_payment,
        "payment.failed": on_payment,
        "payment.succeeded": on_payment,
    }
