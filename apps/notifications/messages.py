"""Message use cases: enqueue (one message per active channel of a template), read, list. Sending is sender.py."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from apps.notifications import rendering, templates
from apps.notifications.exceptions import MessageNotFound, MissingPlaceholders, TemplateNotFound
from apps.notifications.orm import Message
from kernel.clock import utcnow
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# Values the sender adds itself (the recipient's name, from their account when known).
FILLED_AT_SEND = frozenset({"name"})


def emit_change(uow: UnitOfWork, msg: Message, *, error: str | None = None) -> None:
    uow.emit(f"notification.{msg.status}", {
        "messageId": msg.id, "templateKey": msg.template_key, "channel": msg.channel, "status": msg.status,
        "recipientKind": msg.recipient_kind, "reference": msg.reference, "sourceEventType": msg.source_event_type,
        "attempts": msg.attempts, "error": error, "at": utcnow()}, key=msg.id)


async def enqueue(*, uow: UnitOfWork, template_key: str, recipient_kind: str, recipient_ref: str,
                  payload: dict[str, Any], max_attempts: int, reference: str | None = None,
                  source_event_type: str | None = None, channels: tuple[str, ...] | None = None,
                  not_before: datetime | None = None) -> list[Message]:
    """Queue the template on each of its active channels; [] when no active template has that key."""
    queued = []
    for template in await templates.active(uow, template_key, channels=channels):
        msg = Message(id=new_id_str(), template_key=template_key, channel=template.channel,
                      recipient_kind=recipient_kind, recipient_ref=recipient_ref[:320], payload=payload,
                      reference=(reference or "")[:120] or None, source_event_type=source_event_type,
                      status="queued", attempts=0, max_attempts=max_attempts,
                      next_attempt_at=not_before or utcnow(), created_at=utcnow())
        uow.session.add(msg)
        emit_change(uow, msg)
        queued.append(msg)
    await uow.session.flush()
    return queued


@use_case
async def queue_email(*, uow: UnitOfWork, template_key: str, to: str, payload: dict[str, Any], max_attempts: int,
                      not_before: datetime | None = None) -> Message:
    """The admin's direct send: the email template must exist and every placeholder must have a value."""
    active = await templates.active(uow, template_key, channels=("email",))
    if not active:
        raise TemplateNotFound(f"No active email template {template_key!r}.")
    template = active[0]
    gaps = [g for g in rendering.missing(payload, template.subject, template.body, template.text_body)
            if g not in FILLED_AT_SEND]
    if gaps:
        raise MissingPlaceholders(f"payload lacks {', '.join(gaps)}",
                                  errors=[{"field": f"payload.{g}", "message": "required by the template"}
                                          for g in gaps])
    [msg] = await enqueue(uow=uow, template_key=template_key, recipient_kind="email", recipient_ref=to,
                          payload=payload, max_attempts=max_attempts, channels=("email",), not_before=not_before)
    return msg


async def get(uow: UnitOfWork, message_id: str) -> Message:
    msg = await uow.session.get(Message, message_id) if is_uuid(message_id) else None
    if msg is None:
        raise MessageNotFound(f"No message {message_id[:40]!r}.")
    return msg


async def list_messages(uow: UnitOfWork, *, status: str | None, reference: str | None, page: int,
                        per_page: int) -> tuple[list[Message], int]:
    conditions = [c for c in (Message.status == status if status else None,
                              Message.reference == reference if reference else None) if c is not None]
    total = await uow.session.scalar(select(func.count()).select_from(Message).where(*conditions))
    rows = await uow.session.scalars(select(Message).where(*conditions).order_by(Message.created_at.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), total or 0
