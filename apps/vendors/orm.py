"""Tables of the vendors database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Vendor(Base):
    __tablename__ = "vendors"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'active', 'suspended', 'rejected')", name="status"),
        # The admin list filters by status, newest first.
        Index("ix_vendors_status_created_at", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    # One vendor per owner, enforced by the database so two racing applications cannot both win.
    owner_user_id: Mapped[str] = mapped_column(UUID(as_uuid=False), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    support_email: Mapped[str] = mapped_column(String(320))
    support_phone: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    logo_url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class VendorStatusAudit(Base):
    __tablename__ = "vendor_status_audit"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    vendor_id: Mapped[str] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_user_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    reason: Mapped[str | None] = mapped_column(String(1000))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CommissionRule(Base):
    __tablename__ = "commission_rules"
    __table_args__ = (
        CheckConstraint("type IN ('percent', 'fixed')", name="type"),
        CheckConstraint("value >= 0 AND (type <> 'percent' OR value <= 10000)", name="value"),
        Index("ix_commission_rules_vendor_id_active_from", "vendor_id", "active_from"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    vendor_id: Mapped[str] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    # percent: basis points (1000 = 10%); fixed: minor units of `currency`.
    value: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # NULL = the vendor-wide rule; a category id narrows it (catalog category, no FK across databases).
    category_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    active_from: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[str | None] = mapped_column(UUID(as_uuid=False))


class KycDocument(Base):
    __tablename__ = "vendor_kyc_documents"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    vendor_id: Mapped[str] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(String(50))
    doc_url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_by: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BankAccount(Base):
    __tablename__ = "vendor_bank_accounts"
    __table_args__ = (CheckConstraint("account_type IN ('iban', 'account_no')", name="account_type"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    vendor_id: Mapped[str] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    account_holder: Mapped[str] = mapped_column(String(200))
    account_type: Mapped[str] = mapped_column(String(16))
    # Fernet ciphertext (kernel.crypto); the plain number never reaches this database.
    account_number_encrypted: Mapped[str] = mapped_column(Text)
    # Kept in clear so listing shows "****1234" without decrypting every row.
    account_last4: Mapped[str] = mapped_column(String(4))
    bank_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    created_by: Mapped[str | None] = mapped_column(UUID(as_uuid=False))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


OUTBOX = outbox_table(Base.metadata)
