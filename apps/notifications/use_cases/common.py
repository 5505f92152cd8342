"""What the message use cases share: the event saying a message's status changed."""
from __future__ import annotations

from apps.notifications.orm import Message
from kernel.clock import utcnow
from kernel.uow import UnitOfWork


def emit_change(uow: UnitOfWork, msg: Message, *, error: str | None = None) -> None:
    uow.emit(f"notification.{msg.status}", {
        "messageId": msg.id, "templateKey": msg.template_key, "channel": msg.channel, "status": msg.status,
        "recipientKind": msg.recipient_kind, "reference": msg.reference, "sourceEventType": msg.source_event_type,
        "attempts": msg.attempts, "error": error, "at": utcnow()}, key=msg.id)
