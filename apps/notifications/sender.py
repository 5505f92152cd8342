"""The sender: a background task of the notifications service that delivers due messages, with retries.

Each message is claimed, attempted and recorded in its own transaction (`FOR UPDATE SKIP LOCKED`), so several
processes can send side by side and a slow SMTP server holds one row, not a batch. Failures back off
exponentially until max_attempts, then the message is `failed` with the last error. `deliver_due` is the same
work, callable directly (tests, an admin "retry now")."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
from fastapi import FastAPI
from sqlalchemy import Table, select

from apps.notifications import domain, recipients, rendering, templates
from apps.notifications.clients import Directory
from apps.notifications.config import NotificationsSettings
from apps.notifications.exceptions import DeliveryFailed
from apps.notifications.messages import emit_change
from apps.notifications.orm import Message
from apps.notifications.transports import Transport
from kernel.clock import utcnow
from kernel.db import Database
from kernel.periodic import periodic_hooks
from kernel.uow import UnitOfWork

log = structlog.get_logger("notifications.sender")


@dataclass
class SenderContext:
    db: Database
    outbox: Table
    settings: NotificationsSettings
    directory: Directory
    transports: Mapping[str, Transport]


def context_for(app: FastAPI, transports: Mapping[str, Transport] | None = None) -> SenderContext:
    return SenderContext(db=app.state.db, outbox=app.state.outbox, settings=app.state.settings,
                         directory=Directory(app.state.service_clients),
                         transports=transports or app.state.transports)


async def _attempt(uow: UnitOfWork, ctx: SenderContext, msg: Message) -> None:
    if msg.channel == "email":
        contact = await recipients.resolve(uow, ctx.directory, msg)
        address, name = contact.address, contact.name
    else:  # no phone numbers or device tokens here: the no-op transport gets the reference itself
        address, name = f"{msg.recipient_kind}:{msg.recipient_ref}", None
    found = await templates.active(uow, msg.template_key, channels=(msg.channel,))
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
    msg.attempts += 1
    try:
        await _attempt(uow, ctx, msg)
    except Exception as exc:  # noqa: BLE001 - any failure of one message is recorded on it, never raised
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
    msg.status, msg.sent_at, msg.last_error = "sent", now, None
    emit_change(uow, msg)


async def deliver_due(ctx: SenderContext, *, now: datetime | None = None, limit: int | None = None,
                      message_ids: list[str] | None = None) -> int:
    """Attempt every queued message due at `now` (or only `message_ids`); returns how many were attempted."""
    done, limit = 0, limit or ctx.settings.sender_batch_size
    while done < limit:
        moment = now or utcnow()
        query = select(Message).where(Message.status == "queued", Message.next_attempt_at <= moment)
        if message_ids is not None:
            query = query.where(Message.id.in_(message_ids))
        async with UnitOfWork(ctx.db.sessions, ctx.outbox) as uow:
            msg = await uow.session.scalar(query.order_by(Message.next_attempt_at).limit(1)
                                           .with_for_update(skip_locked=True))
            if msg is None:
                return done
            await _deliver(uow, ctx, msg, moment)
            await uow.commit()
        done += 1
    return done


async def _tick(app: FastAPI) -> int:
    return await deliver_due(context_for(app))


start_sender, stop_sender = periodic_hooks("notifications", _tick, interval_setting="sender_interval_seconds",
                                           enabled_setting="run_sender", batch_setting="sender_batch_size",
                                           task="sender")
