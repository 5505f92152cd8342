"""Reactions of the serving service. Each concern (recommendations, fraud, ...) declares its own map of event type →
handler; this module merges them, and when two concerns react to one event type (order.created), both run in the
same unit of work, in the order given."""
from __future__ import annotations

from collections.abc import Mapping

from apps.serving import fraud_reactions
from apps.serving.recommendations import reactions as recommendation_reactions
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.uow import UnitOfWork


def _fan_out(handlers: list[Handler]) -> Handler:
    if len(handlers) == 1:
        return handlers[0]

    async def handle(*, uow: UnitOfWork, event: Envelope) -> None:
        for handler in handlers:
            await handler(uow=uow, event=event)

    return handle


def merge(*reaction_maps: Mapping[str, Handler]) -> dict[str, Handler]:
    by_type: dict[str, list[Handler]] = {}
    for reactions in reaction_maps:
        for event_type, handler in reactions.items():
            by_type.setdefault(event_type, []).append(handler)
    return {event_type: _fan_out(handlers) for event_type, handlers in by_type.items()}


# Concerns add their maps here, e.g. merge(recommendation_reactions.REACTIONS, fraud_reactions.REACTIONS).
CONSUMERS: dict[str, Handler] = merge(recommendation_reactions.REACTIONS, fraud_reactions.REACTIONS)
