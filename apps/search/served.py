"""`search.served`: one analytics event per answer, published in the background so it adds nothing to the
answer's latency. (A search changes no state, so there is no transaction to put an outbox row in; a lost event
loses one analytics row.)"""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import structlog

from kernel.context import current_context
from kernel.contracts.registry import contract_for
from kernel.events import Actor, Envelope, Trace
from kernel.kafka import KafkaPublisher

if TYPE_CHECKING:  # queries imports this module
    from apps.search.queries import SearchDeps

log = structlog.get_logger("search.service")


def record(deps: SearchDeps, *, query: str, mode: str, found: int, returned: int, latency_ms: float,
           engine_ms: float, page: int, per_page: int, filters: dict[str, str]) -> None:
    """Publish search.served in the background (when the settings ask for it and a publisher is there)."""
    if deps.publisher is None or not deps.settings.publish_search_events:
        return
    ctx = current_context()
    contract = contract_for("search.served")
    data = contract.validate({
        "query": query[:200], "mode": mode, "found": found, "returned": returned,
        "latencyMs": round(latency_ms, 3), "engineMs": round(engine_ms, 3), "page": page, "perPage": per_page,
        "filters": filters, "userId": ctx.user_id, "at": datetime.now(timezone.utc)})
    env = Envelope(type=contract.type, version=contract.version, data=data,
                   actor=Actor(type=ctx.actor_type, id=ctx.user_id),  # type: ignore[arg-type]
                   trace=Trace(requestId=ctx.request_id, correlationId=ctx.correlation_id))
    key = ctx.request_id or env.event_id
    task = asyncio.create_task(_send(deps.publisher, contract.topic.name, key, env.to_json()))
    deps.background.add(task)
    task.add_done_callback(deps.background.discard)


async def _send(publisher: KafkaPublisher, topic: str, key: str, value: bytes) -> None:
    try:
        errors = await publisher.send_many([(topic, key, value)])
        if any(errors):
            log.warning("search.event_not_sent", error=str(errors[0])[:200])
    except Exception as exc:  # noqa: BLE001 - analytics never fails a search
        log.warning("search.event_not_sent", error=str(exc)[:200])
