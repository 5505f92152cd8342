"""Recommendation tables of the serving database (migration 0002): projections fed by events, and the request log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from apps.serving.orm import Base

class RecoProduct(Base):
    """Catalog products as of the newest product event: which may be shown, and their first category."""

    __tablename__ = "reco_products"

    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), index=True)
    status: Mapped[str] = mapped_column(String(16))
    category_id: Mapped[str | None] = mapped_column(String(64), index=True)  # the first: "its category"
    category_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    skus: Mapped[list[str]] = mapped_column(JSONB, default=list)
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecoVendor(Base):
    __tablename__ = "reco_vendors"

    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecoStock(Base):
    """Available units per SKU: set by inventory.adjusted / low_stock, moved by reservations and releases."""

    __tablename__ = "reco_stock"

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), index=True)
    available: Mapped[int] = mapped_column(Integer)
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecoPopularity(Base):
    """Orders per product (all time) and a time-decayed count (`trend` as of `trend_at`) for trending."""

    __tablename__ = "reco_popularity"

    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    trend: Mapped[float] = mapped_column(Float, default=0.0)
    trend_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecoCoPurchase(Base):
    """Orders holding both products (stored both ways, so one index scan answers "bought with X")."""

    __tablename__ = "reco_copurchase"

    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    other_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer, default=0)


class RecoPurchase(Base):
    """What each shopper bought: never recommended back to them "for you"."""

    __tablename__ = "reco_purchases"

    user_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    product_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    purchased_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AiRecoRequest(Base):
    __tablename__ = "ai_reco_requests"

    request_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(UUID(as_uuid=False), index=True)
    context: Mapped[str] = mapped_column(String(16))
    product_ids: Mapped[list[str]] = mapped_column(JSONB, default=list)
    category_id: Mapped[str | None] = mapped_column(String(64))
    limit: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str | None] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AiRecoResult(Base):
    __tablename__ = "ai_reco_results"

    request_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    strategy: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(32))
    items: Mapped[list[dict]] = mapped_column(JSONB, default=list)
    latency_ms: Mapped[float] = mapped_column(Float)
    cache_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    served_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
