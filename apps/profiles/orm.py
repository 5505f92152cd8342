"""Tables of the profiles database: one profile per user (keyed by the auth service's user id) and addresses."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, false, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from kernel.clock import utcnow
from kernel.db import ServiceBase, new_metadata
from kernel.encrypted_columns import EncryptedText
from kernel.ids import new_id_str
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Profile(Base):
    __tablename__ = "profiles"

    # No foreign key to users: that table lives in the auth database. The id comes from a verified token.
    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(EncryptedText())  # encrypted at rest (kernel.encrypted_columns)
    dob: Mapped[date | None] = mapped_column(Date)
    marketing_opt_in: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Timestamps are set in Python (not by onupdate=now()) so the events carry exactly what was stored.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class Address(Base):
    __tablename__ = "addresses"
    __table_args__ = (
        # The database, not the code, guarantees at most one default per user: concurrent requests that both
        # try to set a default cannot both commit.
        Index("uq_addresses_user_id_default", "user_id", unique=True, postgresql_where="is_default"),
        Index("ix_addresses_user_id_created_at", "user_id", "created_at"),
        CheckConstraint("country ~ '^[A-Z]{2}$'", name="country_alpha2"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    user_id: Mapped[str] = mapped_column(ForeignKey("profiles.user_id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(50))
    # The street lines identify a home: encrypted at rest. City, postal code and country stay readable.
    line1: Mapped[str] = mapped_column(EncryptedText())
    line2: Mapped[str | None] = mapped_column(EncryptedText())
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


OUTBOX = outbox_table(Base.metadata)
