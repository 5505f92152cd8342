"""The webhook poison queue: provider deliveries whose handling raised, kept for an operator to inspect and replay.

A delivery that fails rolls its whole unit of work back (no provider_events row, no state, no event), answers an
error, and the provider retries it for days. Each failure is also recorded here, in a transaction of its own, with
its verified payload and the last error. A later delivery (or an operator's replay) that succeeds writes the
provider_events row, and the entry counts as handled; `replay` re-runs the handling from the stored payload (its
signature was verified when it arrived, and a signature's timestamp goes stale). Replays are idempotent: the
provider event id is recorded once.
"""
from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.payments.orm import ProviderEvent, WebhookFailure
from apps.payments.providers.base import PaymentProvider, WebhookEvent
from kernel.clock import utcnow
from kernel.uow import UnitOfWork

log = structlog.get_logger("payments.webhook_failures")


async def record(uow: UnitOfWork, provider: PaymentProvider, event: WebhookEvent, error: BaseException) -> None:
    """Upsert the failure (attempts + 1) in its own transaction; never raises over the original error."""
    text = f"{type(error).__name__}: {error}"[:2000]
    now = utcnow()
    stmt = insert(WebhookFailure).values(event_id=event.id, provider=provider.name, type=event.type,
                                         payload=event.raw, attempts=1, last_error=text,
                                         first_failed_at=now, last_failed_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=["event_id"], set_={
        "attempts": WebhookFailure.attempts + 1, "last_error": text, "last_failed_at": now})
    try:
        async with uow:
            await uow.session.execute(stmt)
            await uow.commit()
    except Exception as exc:  # noqa: BLE001 - e.g. the database itself is what failed: the provider retries anyway
        log.warning("payments.webhook_failure_not_recorded", event_id=event.id, error=repr(exc))
        return
    log.warning("payments.webhook_failed", event_id=event.id, type=event.type, error=text)


def event_of(payload: dict[str, Any]) -> WebhookEvent:
    """The verified event back from its stored raw payload (the provider's envelope)."""
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    return WebhookEvent(id=str(payload["id"]), type=str(payload["type"]), created=int(payload.get("created") or 0),
                        obj=obj if isinstance(obj, dict) else {}, raw=payload)


async def pending(uow: UnitOfWork, limit: int = 100) -> list[dict[str, Any]]:
    """Entries not handled since (no provider_events row), oldest first."""
    async with uow:
        rows = (await uow.session.execute(
            select(WebhookFailure).where(~select(ProviderEvent.id).where(ProviderEvent.id == WebhookFailure.event_id)
                                         .exists())
            .order_by(WebhookFailure.first_failed_at).limit(limit))).scalars().all()
        return [{"eventId": r.event_id, "type": r.type, "provider": r.provider, "attempts": r.attempts,
                 "lastError": r.last_error, "firstFailedAt": r.first_failed_at, "lastFailedAt": r.last_failed_at}
                for r in rows]


async def replay(uow: UnitOfWork, provider: PaymentProvider, event_id: str) -> dict[str, Any]:
    """Handle a parked delivery again; a failure is recorded again (attempts + 1) and re-raised."""
    from apps.payments.use_cases.webhook import handle

    async with uow:
        payload = await uow.session.scalar(select(WebhookFailure.payload).where(WebhookFailure.event_id == event_id))
    if payload is None:
        raise KeyError(event_id)
    event = event_of(payload)
    try:
        return await handle(uow, provider, event)
    except Exception as exc:
        await record(uow, provider, event, exc)
        raise
