"""Vendor-insights table of the serving database (migration 0004): what a vendor did with a price suggestion.

A suggestion is one batch run's row for one SKU, so a decision names the run (`suggestion_generated_at`): a later
run's new suggestion for the same SKU is open again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from apps.serving.orm import Base
from kernel.ids import new_id_str


class PriceDecision(Base):
    __tablename__ = "ai_price_decisions"
    __table_args__ = (UniqueConstraint("vendor_id", "sku", "suggestion_generated_at"),)

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))  # accepted | dismissed
    current_price_minor: Mapped[int] = mapped_column(BigInteger)
    suggested_price_minor: Mapped[int] = mapped_column(BigInteger)
    # accepted: True once the catalog took the new price (PATCH of the vendor's product with the vendor's token)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    model_version: Mapped[str] = mapped_column(String(64))
    suggestion_generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    note: Mapped[str | None] = mapped_column(String(500))
