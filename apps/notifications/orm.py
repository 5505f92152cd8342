"""Tables of the notifications database: templates, the messages queue, and the contact projections (orders →
shopper, vendors → owner) that let consumers address mail without other services' databases."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Template(Base):
    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("key", "channel"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))  # email | sms | push
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown with {{ placeholders }}
    text_body: Mapped[str | None] = mapped_column(Text)  # plain-text version; default: the Markdown itself
    description: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class Message(Base):
    """One notification to one recipient through one channel: queued → sent | failed, with retries.

    The recipient is a reference (an address, a user, an order's shopper, a vendor) resolved to an address at
    send time, so a lookup that fails for a moment is retried like a failed SMTP send."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_due", "next_attempt_at", postgresql_where=text("status = 'queued'")),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    template_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    recipient_kind: Mapped[str] = mapped_column(String(8))  # email | user | order | vendor
    recipient_ref: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str | None] = mapped_column(String(320))  # the resolved address
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    reference: Mapped[str | None] = mapped_column(String(120), index=True)
    source_event_type: Mapped[str | None] = mapped_column(String(120))
    subject: Mapped[str | None] = mapped_column(String(400))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class OrderContact(Base):
    __tablename__ = "order_contacts"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))


class VendorContact(Base):
    __tablename__ = "vendor_contacts"

    vendor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_user_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(16))
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
