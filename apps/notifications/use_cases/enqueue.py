"""Queue a template for a recipient: one message per active channel of the template (the event reactions and the
admin's direct send both come here). Sending is use_cases/deliver.py."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.notifications.orm import Message
from apps.notifications.queries import active_templates
from apps.notifications.repository import NotificationsRepository
from apps.notifications.use_cases.common import emit_change
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def enqueue(*, uow: UnitOfWork, template_key: str, recipient_kind: str, recipient_ref: str,
                  payload: dict[str, Any], max_attempts: int, reference: str | None = None,
                  source_event_type: str | None = None, channels: tuple[str, ...] | None = None,
                  not_before: datetime | None = None) -> list[Message]:
    """Queue the template on each of its active channels; [] when no active template has that key."""
    repo = uow.repository(NotificationsRepository)
    queued = []
    for template in await active_templates(uow, template_key, channels=channels):
        msg = Message(id=new_id_str(), template_key=template_key, channel=template.channel,
                      recipient_kind=recipient_kind, recipient_ref=recipient_ref[:320], payload=payload,
                      reference=(reference or "")[:120] or None, source_event_type=source_event_type,
                      status="queued", attempts=0, max_attempts=max_attempts,
                      next_attempt_at=not_before or utcnow(), created_at=utcnow())
        repo.stage(msg)
        emit_change(uow, msg)
        queued.append(msg)
    await repo.flush()
    return queued
