"""Tables of the catalog database."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (BigInteger, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        Table, Text, func)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kernel.db import ServiceBase, new_metadata
from kernel.ids import new_id_str
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table

PRODUCT_STATUSES = ("draft", "pending", "active", "archived")


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"), index=True)
    # Materialized path of slugs ("electronics/phones"): subtree queries are one indexed prefix match.
    path: Mapped[str] = mapped_column(String(1000), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    sort: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


product_categories = Table(
    "product_categories", Base.metadata,
    Column("product_id", UUID(as_uuid=False), ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", UUID(as_uuid=False), ForeignKey("categories.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint(f"status IN {PRODUCT_STATUSES}", name="status"),
        Index("ix_products_status_created_at", "status", "created_at"),
        Index("ix_products_vendor_id_status", "vendor_id", "status"),
    )

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    # The vendors service owns vendors; this is its id, checked against the `vendors` projection below.
    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False))
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    brand_id: Mapped[str | None] = mapped_column(ForeignKey("brands.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    seo_title: Mapped[str | None] = mapped_column(String(200))
    seo_description: Mapped[str | None] = mapped_column(String(500))
    # Cheapest/dearest variant, kept in step with the variants so price sorting is one indexed column.
    min_price_minor: Mapped[int] = mapped_column(BigInteger, index=True)
    max_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Owned by the reviews service; copied here from its moderation events (newest event wins).
    rating_avg: Mapped[Decimal | None] = mapped_column(Numeric(3, 2))
    rating_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rating_as_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    variants: Mapped[list[ProductVariant]] = relationship(back_populates="product", lazy="raise",
                                                          cascade="all, delete-orphan",
                                                          order_by="ProductVariant.position")
    images: Mapped[list[ProductImage]] = relationship(lazy="raise", cascade="all, delete-orphan",
                                                      order_by="ProductImage.position")
    categories: Mapped[list[Category]] = relationship(secondary=product_categories, lazy="raise")


class ProductVariant(Base):
    __tablename__ = "product_variants"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # Unique across the whole marketplace: inventory, carts and orders address stock by SKU alone.
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    option_values: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    price_minor: Mapped[int] = mapped_column(BigInteger, index=True)
    compare_at_price_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tax_class: Mapped[str | None] = mapped_column(String(32))
    weight_grams: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="variants", lazy="raise")


class ProductImage(Base):
    __tablename__ = "product_images"

    id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True, default=new_id_str)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    # Object-storage key of an upload; NULL for an external URL given at creation.
    storage_key: Mapped[str | None] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(String(2048))
    alt: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VendorProjection(Base):
    """The catalog's copy of each vendor's public identity and status, fed by vendor.* events."""

    __tablename__ = "vendors"

    vendor_id: Mapped[str] = mapped_column(UUID(as_uuid=False), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(32))
    # occurredAt of the event that set this row: an older, redelivered event never overwrites a newer one.
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)
