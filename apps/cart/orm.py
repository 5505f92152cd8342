"""Tables of the cart database: carts and their lines (the durable copy; Redis holds the hot one), and the
projections of catalog SKUs and vendor statuses fed by catalog and vendor events (what may be added, at what
price)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table

SKU_MAX = 64


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Cart(Base):
    __tablename__ = "carts"

    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    currency: Mapped[str | None] = mapped_column(String(3))
    coupon_code: Mapped[str | None] = mapped_column(String(64))
    # Bumped by every change in the same transaction: the Redis copy is only ever replaced by a newer version.
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    last_order_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    items: Mapped[list[CartItem]] = relationship(lazy="selectin", order_by="CartItem.added_at, CartItem.sku",
                                                 cascade="all, delete-orphan")


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("price_minor >= 0", name="price_nonnegative"),
    )

    user_id: Mapped[str] = mapped_column(ForeignKey("carts.user_id", ondelete="CASCADE"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(SKU_MAX), primary_key=True, index=True)
    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    title: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(BigInteger)  # captured when the line was added
    currency: Mapped[str] = mapped_column(String(3))
    category_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SkuCatalog(Base):
    """One row per catalog SKU, as of the newest product event seen (`source_occurred_at`)."""

    __tablename__ = "sku_catalog"

    sku: Mapped[str] = mapped_column(String(SKU_MAX), primary_key=True)
    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    title: Mapped[str] = mapped_column(String(200))
    product_status: Mapped[str] = mapped_column(String(16))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    category_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VendorState(Base):
    __tablename__ = "vendor_states"

    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
