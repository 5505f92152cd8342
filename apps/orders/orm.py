"""Tables of the orders database: orders with their items, vendor splits and timeline, returns (RMAs), the
vendor commission projection, idempotency keys, outbox and inbox. CHECK constraints keep the money reconciled
even if a use case had a bug: a split's net is its gross minus commission, an order's total adds up."""
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
    Sequence,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from apps.orders.domain import ITEM_STATUSES, PAYMENT_STATUSES, RETURN_STATUSES, STATUSES
from kernel.clock import utcnow
from kernel.db import ServiceBase, new_metadata
from kernel.encrypted_columns import EncryptedJSON
from kernel.idempotency import idempotency_table
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table

SKU_MAX = 64
ORDER_NO_MAX = 32


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


ORDER_NO_SEQ = Sequence("order_no_seq", metadata=Base.metadata)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status_known"),
        CheckConstraint(_in("payment_status", PAYMENT_STATUSES), name="payment_status_known"),
        CheckConstraint("total_minor = subtotal_minor - discount_minor + shipping_minor + tax_minor",
                        name="total_adds_up"),
        CheckConstraint("discount_minor >= 0 AND discount_minor <= subtotal_minor", name="discount_bounded"),
        CheckConstraint("refunded_minor >= 0", name="refunded_nonnegative"),
        Index("ix_orders_user_id_created_at", "user_id", "created_at"),
        Index("ix_orders_status_payment_status_created_at", "status", "payment_status", "created_at"),
        # The sweeper's query: unpaid open orders by expiry.
        Index("ix_orders_unpaid_expires_at", "expires_at", postgresql_where=text("status = 'unfulfilled'")),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    order_no: Mapped[str] = mapped_column(String(ORDER_NO_MAX), unique=True)
    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    status: Mapped[str] = mapped_column(String(16), default="unfulfilled")
    payment_status: Mapped[str] = mapped_column(String(16), default="pending")
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    shipping_method: Mapped[str] = mapped_column(String(16))
    shipping_eta_days: Mapped[int | None] = mapped_column(Integer)
    # Name, street, phone: encrypted at rest (kernel.encrypted_columns); events carry only city/postal/country.
    shipping_address: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    reservation_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    payment_id: Mapped[str | None] = mapped_column(String(120))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # Fraud review (serving's fraud.decided / fraud.review.decided): while held, no capture and no fulfilment.
    fraud_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    fraud_decision: Mapped[str | None] = mapped_column(String(8))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[OrderItem]] = relationship(lazy="selectin", order_by="OrderItem.sku",
                                                  cascade="all, delete-orphan")
    splits: Mapped[list[VendorSplitRow]] = relationship(lazy="selectin", order_by="VendorSplitRow.vendor_id",
                                                        cascade="all, delete-orphan")
    timeline: Mapped[list[TimelineEntry]] = relationship(lazy="selectin",
                                                         order_by="[TimelineEntry.at, TimelineEntry.id]",
                                                         cascade="all, delete-orphan")


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("line_total_minor = qty * price_minor", name="line_total"),
        CheckConstraint("discount_minor >= 0 AND discount_minor <= line_total_minor", name="discount_bounded"),
        CheckConstraint("returned_qty >= 0 AND returned_qty <= qty", name="returned_bounded"),
        CheckConstraint(_in("status", ITEM_STATUSES), name="status_known"),
        Index("ix_order_items_vendor_id_order_id", "vendor_id", "order_id"),
    )

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(SKU_MAX), primary_key=True)
    product_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    title: Mapped[str | None] = mapped_column(String(300))
    category_ids: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list, server_default="{}")
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    qty: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    line_total_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_no: Mapped[str | None] = mapped_column(String(120))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returned_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class VendorSplitRow(Base):
    __tablename__ = "vendor_splits"
    __table_args__ = (
        CheckConstraint("gross_minor = items_subtotal_minor - discount_minor", name="gross_after_discount"),
        CheckConstraint("net_minor = gross_minor - commission_minor", name="net_after_commission"),
        CheckConstraint("commission_minor >= 0 AND commission_minor <= gross_minor", name="commission_bounded"),
    )

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    items_subtotal_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    commission_minor: Mapped[int] = mapped_column(BigInteger)
    net_minor: Mapped[int] = mapped_column(BigInteger)
    shipping_minor: Mapped[int] = mapped_column(BigInteger)
    tax_minor: Mapped[int] = mapped_column(BigInteger)
    commission_type: Mapped[str] = mapped_column(String(16))
    commission_value: Mapped[int] = mapped_column(BigInteger)
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TimelineEntry(Base):
    """Append-only history of an order: status and payment changes, shipments, returns, notes."""

    __tablename__ = "order_timeline"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReturnRequest(Base):
    __tablename__ = "returns"
    __table_args__ = (CheckConstraint(_in("status", RETURN_STATUSES), name="status_known"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    reason: Mapped[str] = mapped_column(String(1000))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    items: Mapped[list[ReturnItem]] = relationship(lazy="selectin", order_by="ReturnItem.sku",
                                                   cascade="all, delete-orphan")


class ReturnItem(Base):
    __tablename__ = "return_items"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    return_id: Mapped[str] = mapped_column(ForeignKey("returns.id", ondelete="CASCADE"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(SKU_MAX), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    qty: Mapped[int] = mapped_column(Integer)
    amount_minor: Mapped[int] = mapped_column(BigInteger)


class VendorCommission(Base):
    """Projection of vendor.approved|suspended|reinstated: who may sell, and on what commission."""

    __tablename__ = "vendor_commissions"

    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    commission_type: Mapped[str | None] = mapped_column(String(16))
    commission_value: Mapped[int | None] = mapped_column(BigInteger)
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
# A stored answer is the order as rendered, shipping address included: encrypted like the order's own copy.
IDEMPOTENCY = idempotency_table(Base.metadata, response_type=EncryptedJSON())
