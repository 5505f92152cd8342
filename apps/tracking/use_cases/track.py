"""Clickstream ingest: validate each storefront event against its contract and publish it via the outbox."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pydantic import ValidationError

from apps.tracking.config import TrackingSettings
from apps.tracking.schemas import TrackIn
from kernel.contracts.registry import contract_for
from kernel.errors import ValidationFailed
from kernel.events import Actor
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# The server decides who the shopper is; a client-sent userId is never trusted.
_SERVER_OWNED = {"userId", "user_id", "sessionId", "session_id", "deviceId", "device_id", "at"}


def _event_time(sent: datetime | None, now: datetime, settings: TrackingSettings, index: int) -> datetime:
    if sent is None:
        return now
    sent = sent if sent.tzinfo else sent.replace(tzinfo=timezone.utc)
    if sent > now + timedelta(seconds=settings.max_future_seconds) or sent < now - timedelta(
            hours=settings.max_age_hours):
        raise ValidationFailed("occurredAt is outside the accepted window.",
                               errors=[{"field": f"events.{index}.occurredAt", "message": "too old or in the future"}])
    return sent


@use_case
async def track(*, uow: UnitOfWork, settings: TrackingSettings, batch: TrackIn, user_id: str | None) -> int:
    now = datetime.now(timezone.utc)
    payloads = []
    errors = []
    for i, event in enumerate(batch.events):
        data = {k: v for k, v in event.fields().items() if k not in _SERVER_OWNED}
        data.update(sessionId=batch.session_id, userId=user_id, deviceId=batch.device_id,
                    at=_event_time(event.occurred_at, now, settings, i).isoformat())
        try:
            payloads.append((event.type, contract_for(event.type).validate(data)))
        except ValidationError as exc:
            errors += [{"field": f"events.{i}." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                       for e in exc.errors()]
    if errors:
        raise ValidationFailed("Some events are invalid; none were accepted.", errors=errors)
    actor = Actor(type="user", id=user_id) if user_id else Actor(type="user", id=None)
    for event_type, data in payloads:
        uow.emit(event_type, data, key=batch.session_id, actor=actor)
    return len(payloads)
