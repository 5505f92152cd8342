"""Rendering of templates and messages for the HTTP API (schemas.py)."""
from __future__ import annotations

from apps.notifications import rendering
from apps.notifications.orm import Message, Template
from apps.notifications.schemas import MessageOut, TemplateOut


def template_out(t: Template) -> TemplateOut:
    return TemplateOut(id=t.id, key=t.key, channel=t.channel, subject=t.subject, body=t.body, textBody=t.text_body,
                       description=t.description, isActive=t.is_active,
                       placeholders=sorted(rendering.placeholders(t.subject, t.body, t.text_body)),
                       createdAt=t.created_at, updatedAt=t.updated_at)


def message_out(m: Message) -> MessageOut:
    return MessageOut(id=m.id, templateKey=m.template_key, channel=m.channel, status=m.status,
                      recipientKind=m.recipient_kind, recipient=m.recipient, reference=m.reference,
                      subject=m.subject, attempts=m.attempts, maxAttempts=m.max_attempts, lastError=m.last_error,
                      nextAttemptAt=m.next_attempt_at if m.status == "queued" else None, sentAt=m.sent_at,
                      createdAt=m.created_at)
