"""Tables of the shipping database: rate tables, shipments (labels) with their tracking events, and the
projection of orders (fed by order events) that decides who may buy a label for which order."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ARRAY, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class RateTable(Base):
    """One price list per (zone, service level): `flat` charges flat_amount_minor per parcel, `table` looks the
    parcel's weight up in its brackets."""

    __tablename__ = "rate_tables"
    __table_args__ = (UniqueConstraint("zone", "service_level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone: Mapped[str] = mapped_column(String(16))
    service_level: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    currency: Mapped[str] = mapped_column(String(3))
    eta_days: Mapped[int] = mapped_column(Integer)
    flat_amount_minor: Mapped[int | None] = mapped_column(Integer)
    brackets: Mapped[list["RateBracket"]] = relationship(order_by="RateBracket.max_grams.asc().nulls_last()",
                                                         lazy="selectin", cascade="all, delete-orphan")


class RateBracket(Base):
    __tablename__ = "rate_brackets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("rate_tables.id", ondelete="CASCADE"), index=True)
    max_grams: Mapped[int | None] = mapped_column(Integer)  # inclusive; NULL = the open-ended top bracket
    amount_minor: Mapped[int] = mapped_column(Integer)
    extra_per_kg_minor: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Shipment(Base):
    """A label: one parcel of one vendor's items of one order."""

    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("order_no", "vendor_id"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    tracking_no: Mapped[str] = mapped_column(String(32), unique=True)
    order_no: Mapped[str] = mapped_column(String(64), index=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    carrier: Mapped[str] = mapped_column(String(64))
    service_level: Mapped[str] = mapped_column(String(16))
    zone: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20))
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_postal_code: Mapped[str | None] = mapped_column(String(20))
    destination_city: Mapped[str | None] = mapped_column(String(120))
    eta_days: Mapped[int] = mapped_column(Integer)
    promised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    events: Mapped[list["TrackingEvent"]] = relationship(order_by="TrackingEvent.seq", lazy="selectin",
                                                         cascade="all, delete-orphan")


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OrderProjection(Base):
    """What shipping knows about an order from orders' events: paid or not, whose items, where it goes."""

    __tablename__ = "order_projection"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending | paid | cancelled
    vendor_ids: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
