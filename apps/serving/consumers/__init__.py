"""Reactions of the serving service. Each concern (recommendations, fraud, ...) declares its own map of event type →
handler, built with what it needs from the started app; this module merges them, and when two concerns react to
one event type (order.created), both run in the same unit of work, in the order given."""
from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from apps.serving.consumers import fraud as fraud_reactions
from apps.serving.features import OnlineFeatures
from apps.serving.consumers import recommendations as recommendation_reactions
from kernel.consumer import Event, Handler
from kernel.uow import UnitOfWork


def _fan_out(handlers: list[Handler]) -> Handler:
    if len(handlers) == 1:
        return handlers[0]

    async def handle(*, uow: UnitOfWork, event: Event) -> None:
        for handler in handlers:
            await handler(uow=uow, event=event)

    return handle


def merge(*reaction_maps: Mapping[str, Handler]) -> dict[str, Handler]:
    by_type: dict[str, list[Handler]] = {}
    for reactions in reaction_maps:
        for event_type, handler in reactions.items():
            by_type.setdefault(event_type, []).append(handler)
    return {event_type: _fan_out(handlers) for event_type, handlers in by_type.items()}


def build_consumers(app: FastAPI) -> dict[str, Handler]:
    """The serving wiring (main.py): called by the lifespan after the start-up hooks opened the champion store and
    the recommender's cache."""
    state = app.state
    if getattr(state, "fraud_online", None) is None:  # the fraud routes share it (routers/fraud.online_features)
        state.fraud_online = OnlineFeatures(timeout=state.settings.fraud_feature_timeout_seconds)
    fraud = fraud_reactions.build_reactions(champions=lambda: state.champions, online=state.fraud_online,
                                            enforced=state.settings.fraud_mode == "enforce")
    return merge(recommendation_reactions.build_reactions(state.recommendations.cache), fraud)
