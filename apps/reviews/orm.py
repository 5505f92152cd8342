"""Tables of the reviews database: the purchases projection (from order events), reviews, product ratings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Purchase(Base):
    """An order as reviews sees it: whose it is, whether it was paid or delivered, which products it holds."""

    __tablename__ = "purchases"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | paid | delivered | cancelled
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    items: Mapped[list["PurchaseItem"]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class PurchaseItem(Base):
    __tablename__ = "purchase_items"

    order_no: Mapped[str] = mapped_column(ForeignKey("purchases.order_no", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str | None] = mapped_column(String(64))


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("order_no", "product_id"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    order_no: Mapped[str] = mapped_column(String(64))
    rating: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    moderated_by: Mapped[str | None] = mapped_column(String(64))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProductRating(Base):
    """Sum and count of approved ratings per product, changed only under its row lock by moderation."""

    __tablename__ = "product_ratings"

    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
