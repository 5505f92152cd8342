"""Deliver due messages, with retries: address the recipient, render the template, hand it to the channel's
transport, and record the outcome on the message.

Each message is claimed, attempted and recorded in its own unit of work (`FOR UPDATE SKIP LOCKED`), so several
processes can send side by side and a slow SMTP server holds one row, not a batch. Failures back off
exponentially until max_attempts, then the message is `failed` with the last error. The sender (sender.py) calls
`deliver_due` on a timer; tests and an admin "retry now" call it directly."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog

from apps.notifications import domain, recipients, rendering
from apps.notifications.clients import Directory
from apps.notifications.config import NotificationsSettings
from apps.notifications.exceptions import DeliveryFailed
from apps.notifications.orm import Message
from apps.notifications.queries import active_templates
from apps.notifications.repository import NotificationsRepository
from apps.notifications.transports import Transport
from apps.notifications.use_cases.common import emit_change
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("notifications.sender")


@dataclass
class SenderContext:
    settings: NotificationsSettings
    directory: Directory
    transports: Mapping[str, Transport]
    unit_of_work: Callable[[], UnitOfWork]  # a fresh unit of work per message


async def _attempt(uow: UnitOfWork, ctx: SenderContext, msg: Message) -> None:
    if msg.channel == "email":
        contact = await recipients.resolve(uow, ctx.directory, msg)
        address, name = contact.address, contact.name
    else:  # no phone numbers or device tokens here: the no-op transport gets the reference itself
        address, name = f"{msg.recipient_kind}:{msg.recipient_ref}", None
    found = await active_templates(uow, msg.template_key, channels=(msg.channel,))
    template = found[0] if found else None
    if template is None:
        raise DeliveryFailed(f"no active {msg.channel} template {msg.template_key!r}", permanent=True)
    payload = {"name": name or "there", **msg.payload}
    rendered = rendering.render(subject=template.subject, body=template.body, text_body=template.text_body,
                                payload=payload)
    msg.recipient, msg.subject, msg.body_text, msg.body_html = address[:320], rendered.subject, rendered.text, \
        rendered.html
    await ctx.transports[msg.channel].send(to=address, rendered=rendered, message_id=msg.id)


async def _deliver(uow: UnitOfWork, ctx: SenderContext, msg: Message, now: datetime) -> None:
    # The attempt is counted once it is over: a change to the row before the attempt's queries would be autoflushed
    # as an UPDATE of its own, and the outcome's UPDATE would follow it (two writes of one row per message).
    try:
        await _attempt(uow, ctx, msg)
    except Exception as exc:  # noqa: BLE001 - any failure of one message is recorded on it, never raised
        msg.attempts += 1
        permanent = isinstance(exc, DeliveryFailed) and exc.permanent
        error = f"{type(exc).__name__}: {exc}"[:1000]
        msg.status, next_at = domain.after_failure(
            attempts=msg.attempts, max_attempts=msg.max_attempts, permanent=permanent, now=now,
            base=ctx.settings.retry_base_seconds, cap=ctx.settings.retry_max_seconds)
        msg.last_error, msg.next_attempt_at = error, next_at or msg.next_attempt_at
        log.warning("notifications.send_failed", message_id=msg.id, attempts=msg.attempts, status=msg.status,
                    error=error[:300])
        if msg.status == "failed":
            emit_change(uow, msg, error=error)
        return
    msg.attempts += 1
    msg.status, msg.sent_at, msg.last_error = "sent", now, None
    emit_change(uow, msg)


@use_case
async def deliver_next(*, uow: UnitOfWork, ctx: SenderContext, now: datetime,
                       message_ids: list[str] | None = None) -> bool:
    """Claim the queued message due first (or one of `message_ids`), attempt it and record the outcome; False when
    none is due."""
    msg = await uow.repository(NotificationsRepository).claim_due(now, message_ids)
    if msg is None:
        return False
    await _deliver(uow, ctx, msg, now)
    return True


async def deliver_due(ctx: SenderContext, *, now: datetime | None = None, limit: int | None = None,
                      message_ids: list[str] | None = None) -> int:
    """Attempt every queued message due at `now` (or only `message_ids`); returns how many were attempted. Each
    message is its own unit of work."""
    done, limit = 0, limit or ctx.settings.sender_batch_size
    while done < limit:
        if not await deliver_next(uow=ctx.unit_of_work(), ctx=ctx, now=now or utcnow(), message_ids=message_ids):
            return done
        done += 1
    return done
