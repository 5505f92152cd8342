"""The notifications HTTP contract (API.md § Reviews & notifications): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, field_validator

from apps.notifications.domain import KEY_PATTERN
from kernel.api_model import ApiModel
from kernel.paging import Page

Channel = Literal["email", "sms", "push"]
MAX_BODY = 20_000


def _payload_size(value: dict[str, Any]) -> dict[str, Any]:
    if len(str(value)) > 20_000:
        raise ValueError("payload is too large (20,000 characters at most)")
    return value


class TemplateCreate(ApiModel):
    key: str = Field(min_length=2, max_length=64)
    channel: Channel = "email"
    subject: str | None = Field(None, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_BODY, description="Markdown with {{ placeholders }}")
    text_body: str | None = Field(None, max_length=MAX_BODY)
    description: str | None = Field(None, max_length=500)
    is_active: bool = True

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError("lower-case letters, digits and underscores, starting with a letter")
        return value


class TemplateUpdate(ApiModel):
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=MAX_BODY)
    text_body: str | None = Field(None, max_length=MAX_BODY)
    description: str | None = Field(None, max_length=500)
    is_active: bool | None = None


class TemplateOut(ApiModel):
    id: str
    key: str
    channel: Channel
    subject: str | None
    body: str
    text_body: str | None
    description: str | None
    is_active: bool
    placeholders: list[str]
    created_at: datetime
    updated_at: datetime


class TemplateList(ApiModel):
    items: list[TemplateOut]
    total: int


class PreviewIn(ApiModel):
    payload: dict[str, Any] = Field(default_factory=dict)
    _payload_limit = field_validator("payload")(_payload_size)


class PreviewOut(ApiModel):
    subject: str
    text: str
    html: str
    missing: list[str]


class EmailIn(ApiModel):
    template_key: str = Field(min_length=2, max_length=64)
    to: EmailStr = Field(max_length=320)
    payload: dict[str, Any] = Field(default_factory=dict)
    send_at: datetime | None = Field(None, description="schedule for later (default: now)")
    _payload_limit = field_validator("payload")(_payload_size)

    @field_validator("send_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone (UTC ISO 8601)")
        return value


class MessageOut(ApiModel):
    id: str
    template_key: str
    channel: Channel
    status: Literal["queued", "sent", "failed"]
    recipient_kind: str
    recipient: str | None = None
    reference: str | None = None
    subject: str | None = None
    attempts: int
    max_attempts: int
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime


class MessageList(Page[MessageOut]):
    pass
