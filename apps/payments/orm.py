"""Tables of the payments database: the order projection, intents and payments, refunds, the provider events
already handled, vendor earnings and payouts. CHECK constraints guard the money invariants (nothing refunded
beyond what was captured, no negative amounts) even against a bug in a use case."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import ServiceBase, new_metadata
from kernel.idempotency import idempotency_table
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table

ORDER_NO_MAX = 64
INTENT_STATUSES = ("requires_payment", "succeeded", "failed")
REFUND_STATUSES = ("pending", "succeeded", "failed")
EARNING_STATUSES = ("pending", "eligible", "paid", "void")
PAYOUT_STATUSES = ("requested", "processing", "paid", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class OrderProjection(Base):
    """What payments knows of an order (from order.* events, or orders' internal API when an event is late)."""

    __tablename__ = "order_projection"

    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), primary_key=True)
    order_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(32))
    payment_status: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    vendor_splits: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PaymentIntent(Base):
    __tablename__ = "payment_intents"
    __table_args__ = (
        CheckConstraint(_in("status", INTENT_STATUSES), name="status_known"),
        CheckConstraint("amount_minor >= 0", name="amount_nonnegative"),
        # At most one open intent per order: a second checkout tab reuses it instead of charging twice.
        Index("uq_payment_intents_open_order", "order_no", unique=True,
              postgresql_where=text("status = 'requires_payment'")),
    )

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # the provider's id (pi_...)
    provider: Mapped[str] = mapped_column(String(32))
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    client_secret: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(32), default="requires_payment")
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FraudFlag(Base):
    """Serving's fraud decision on an order, as payments needs it: "hold" (no payment intent until the risk team
    decides: capture waits), "released", or "rejected" (refund what was captured, and any capture that follows)."""

    __tablename__ = "fraud_flags"

    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Payment(Base):
    """A captured payment: the money refunds come out of."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_nonnegative"),
        CheckConstraint("refunded_minor >= 0 AND refunded_minor <= amount_minor", name="refunds_within_capture"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    intent_id: Mapped[str] = mapped_column(ForeignKey("payment_intents.id"), unique=True)
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), unique=True)
    provider: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    provider_event_id: Mapped[str | None] = mapped_column(String(255))
    succeeded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(_in("status", REFUND_STATUSES), name="status_known"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500))
    items: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    rma_id: Mapped[str | None] = mapped_column(String(64), index=True)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReturnRequest(Base):
    """The money side of an RMA (order.return_requested): what the shopper sends back, refunded by staff."""

    __tablename__ = "return_requests"

    rma_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), index=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str | None] = mapped_column(String(500))
    refund_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProviderEvent(Base):
    """Every webhook event handled, by the provider's event id: a replay finds its row and changes nothing."""

    __tablename__ = "provider_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(120))
    object_id: Mapped[str | None] = mapped_column(String(255), index=True)
    outcome: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WebhookFailure(Base):
    """The poison queue: a verified provider delivery whose handling raised (rolled back), kept with its last error
    until an operator replays it (`mkt payments webhook-failures`). Handled once = a provider_events row exists."""

    __tablename__ = "webhook_failures"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, server_default="1")
    last_error: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Earning(Base):
    """One vendor's earning from one order. The *_orig columns are the figures at payment; the current ones
    shrink with refunds (domain.remaining_figures); paid_minor is what payouts have settled so far."""

    __tablename__ = "earnings"
    __table_args__ = (
        CheckConstraint(_in("status", EARNING_STATUSES), name="status_known"),
        CheckConstraint("refunded_gross_minor >= 0 AND refunded_gross_minor <= gross_orig_minor",
                        name="refunds_within_gross"),
        UniqueConstraint("vendor_id", "order_no"),
        Index("ix_earnings_vendor_status", "vendor_id", "status"),
        Index("ix_earnings_status_eligible_at", "status", "eligible_at"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    gross_orig_minor: Mapped[int] = mapped_column(BigInteger)
    commission_orig_minor: Mapped[int] = mapped_column(BigInteger)
    fees_orig_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_gross_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    commission_minor: Mapped[int] = mapped_column(BigInteger)
    fees_minor: Mapped[int] = mapped_column(BigInteger)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    eligible_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Payout(Base):
    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint(_in("status", PAYOUT_STATUSES), name="status_known"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_payouts_status_created_at", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PayoutItem(Base):
    """Which earnings a payout covers, and how much of each (a payout may cover part of an earning)."""

    __tablename__ = "payout_items"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    payout_id: Mapped[str] = mapped_column(ForeignKey("payouts.id", ondelete="CASCADE"), primary_key=True)
    earning_id: Mapped[str] = mapped_column(ForeignKey("earnings.id"), primary_key=True, index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
IDEMPOTENCY = idempotency_table(Base.metadata)
