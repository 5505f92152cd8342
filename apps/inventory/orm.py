"""Tables of the inventory database. The CHECK constraints are the last line of defence against overselling:
even a bug in a use case cannot leave reserved above on hand or either of them negative."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table

SKU_MAX = 64
REFERENCE_MAX = 120
MOVEMENT_REASONS = ("adjust", "reserve", "commit", "release", "expire", "restock")
RESERVATION_STATUSES = ("active", "committed", "released", "expired")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class StockItem(Base):
    __tablename__ = "stock_items"
    __table_args__ = (
        CheckConstraint("reserved >= 0", name="reserved_nonnegative"),
        CheckConstraint("on_hand >= reserved", name="on_hand_covers_reserved"),
        CheckConstraint("reorder_point >= 0", name="reorder_point_nonnegative"),
        CheckConstraint("safety_stock >= 0", name="safety_stock_nonnegative"),
    )

    sku: Mapped[str] = mapped_column(String(SKU_MAX), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    product_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), index=True)
    on_hand: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reserved: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reorder_point: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    safety_stock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockMovement(Base):
    """Append-only ledger: every change of on_hand/reserved with why and for whom."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(_in("reason", MOVEMENT_REASONS), name="reason_known"),
        Index("ix_stock_movements_sku_at", "sku", "at"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    sku: Mapped[str] = mapped_column(ForeignKey("stock_items.sku", ondelete="CASCADE"))
    delta_on_hand: Mapped[int] = mapped_column(Integer)
    delta_reserved: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str | None] = mapped_column(String(REFERENCE_MAX))
    actor: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Reservation(Base):
    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint(_in("status", RESERVATION_STATUSES), name="status_known"),
        # The sweeper's query: active reservations past their expiry, oldest first.
        Index("ix_reservations_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    reference: Mapped[str] = mapped_column(String(REFERENCE_MAX), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    items: Mapped[list[ReservationItem]] = relationship(lazy="selectin", order_by="ReservationItem.sku",
                                                        cascade="all, delete-orphan")


class ReservationItem(Base):
    __tablename__ = "reservation_items"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    reservation_id: Mapped[str] = mapped_column(ForeignKey("reservations.id", ondelete="CASCADE"),
                                                primary_key=True)
    sku: Mapped[str] = mapped_column(ForeignKey("stock_items.sku", ondelete="RESTRICT"), primary_key=True,
                                     index=True)
    qty: Mapped[int] = mapped_column(Integer)


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
