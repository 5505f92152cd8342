"""The notifications HTTP contract (API.md § Reviews & notifications): camelCase JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from apps.notifications.domain import KEY_PATTERN

Channel = Literal["email", "sms", "push"]
MAX_BODY = 20_000


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


def _payload_size(value: dict[str, Any]) -> dict[str, Any]:
    if len(str(value)) > 20_000:
        raise ValueError("payload is too large (20,000 characters at most)")
    return value


class TemplateCreate(_Model):
    key: str = Field(min_length=2, max_length=64)
    channel: Channel = "email"
    subject: str | None = Field(None, max_length=200)
    body: str = Field(min_length=1, max_length=MAX_BODY, description="Markdown with {{ placeholders }}")
    text_body: str | None = Field(None, alias="textBody", max_length=MAX_BODY)
    description: str | None = Field(None, max_length=500)
    is_active: bool = Field(True, alias="isActive")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError("lower-case letters, digits and underscores, starting with a letter")
        return value


class TemplateUpdate(_Model):
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=MAX_BODY)
    text_body: str | None = Field(None, alias="textBody", max_length=MAX_BODY)
    description: str | None = Field(None, max_length=500)
    is_active: bool | None = Field(None, alias="isActive")


class TemplateOut(_Model):
    id: str
    key: str
    channel: Channel
    subject: str | None
    body: str
    text_body: str | None = Field(alias="textBody")
    description: str | None
    is_active: bool = Field(alias="isActive")
    placeholders: list[str]
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")


class TemplateList(_Model):
    items: list[TemplateOut]
    total: int


class PreviewIn(_Model):
    payload: dict[str, Any] = Field(default_factory=dict)
    _payload_limit = field_validator("payload")(_payload_size)


class PreviewOut(_Model):
    subject: str
    text: str
    html: str
    missing: list[str]


class EmailIn(_Model):
    template_key: str = Field(alias="templateKey", min_length=2, max_length=64)
    to: EmailStr = Field(max_length=320)
    payload: dict[str, Any] = Field(default_factory=dict)
    send_at: datetime | None = Field(None, alias="sendAt", description="schedule for later (default: now)")
    _payload_limit = field_validator("payload")(_payload_size)

    @field_validator("send_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone (UTC ISO 8601)")
        return value


class MessageOut(_Model):
    id: str
    template_key: str = Field(alias="templateKey")
    channel: Channel
    status: Literal["queued", "sent", "failed"]
    recipient_kind: str = Field(alias="recipientKind")
    recipient: str | None = None
    reference: str | None = None
    subject: str | None = None
    attempts: int
    max_attempts: int = Field(alias="maxAttempts")
    last_error: str | None = Field(None, alias="lastError")
    next_attempt_at: datetime | None = Field(None, alias="nextAttemptAt")
    sent_at: datetime | None = Field(None, alias="sentAt")
    created_at: datetime = Field(alias="createdAt")


class MessageList(_Model):
    items: list[MessageOut]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
