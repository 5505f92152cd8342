"""Events produced by the notifications domain (topic notifications.v1; key = messageId).

Recipients' addresses are PII and stay in the notifications database: events say which template went through
which channel to which kind of recipient, with the outcome and attempt counts.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import NOTIFICATIONS

Channel = Literal["email", "sms", "push"]
RecipientKind = Literal["email", "user", "order", "vendor"]


class MessageChanged(Payload):
    message_id: str = Field(alias="messageId")
    template_key: str = Field(alias="templateKey")
    channel: Channel
    status: Literal["queued", "sent", "failed"]
    recipient_kind: RecipientKind = Field(alias="recipientKind")
    reference: str | None = None  # the orderNo / payoutId / sku the message is about
    source_event_type: str | None = Field(None, alias="sourceEventType")
    attempts: int = 0
    error: str | None = None
    at: datetime


class TemplateChanged(Payload):
    template_id: str = Field(alias="templateId")
    key: str
    channel: Channel
    is_active: bool = Field(alias="isActive")
    change: Literal["created", "updated", "deleted"]
    at: datetime


CONTRACTS = [
    Contract("notification.queued", 1, NOTIFICATIONS, MessageChanged),
    Contract("notification.sent", 1, NOTIFICATIONS, MessageChanged),
    Contract("notification.failed", 1, NOTIFICATIONS, MessageChanged),
    Contract("notification.template_changed", 1, NOTIFICATIONS, TemplateChanged),
]
