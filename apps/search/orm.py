"""Tables of the search database: projections of other domains' events, from which the index is (re)built.

Every projection row keeps the time of the event that last set it (`*_at`), so a redelivered or late event older
than what the row already shows is dropped instead of undoing a newer change. `index_version` counts changes to
what a product's index document would hold; per collection alias, `search_index_state` remembers which version was
pushed, so every process's sync loop pushes what its own alias lacks (tests use an alias of their own beside the
demo's, over the same projections).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kernel.db import ServiceBase, new_metadata
from kernel.inbox import inbox_table
from kernel.outbox import outbox_table


class Base(ServiceBase):
    __abstract__ = True
    metadata = new_metadata()


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)


class SearchProduct(Base):
    __tablename__ = "search_products"

    product_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    slug: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    category_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    brand_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # time of the product event (its updatedAt, else occurredAt) that last set the fields above
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    rating_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    units_sold: Mapped[int] = mapped_column(Integer, default=0)
    index_version: Mapped[int] = mapped_column(Integer, default=1)
    # embedding of the product's text, reused until the text changes (embedding_key = hash of the text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    embedding_key: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SearchIndexState(Base):
    __tablename__ = "search_index_state"

    alias: Mapped[str] = mapped_column(String(100), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    indexed_version: Mapped[int] = mapped_column(Integer)


class SearchSku(Base):
    """A variant's price (catalog events) and available stock (inventory events), each with its own clock."""

    __tablename__ = "search_skus"

    sku: Mapped[str] = mapped_column(String(128), primary_key=True)
    product_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    price_minor: Mapped[int | None] = mapped_column(Integer, nullable=True)
    price_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    option_values: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    available: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stock_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SearchVendor(Base):
    __tablename__ = "search_vendors"

    vendor_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(32), default="pending")
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchCategory(Base):
    __tablename__ = "search_categories"

    category_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    path: Mapped[str] = mapped_column(Text, default="")
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchBrand(Base):
    __tablename__ = "search_brands"

    brand_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class SearchSynonym(Base):
    """Synonym sets, applied to every collection the indexer creates (so a reindex keeps them)."""

    __tablename__ = "search_synonyms"

    synonym_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    root: Mapped[str | None] = mapped_column(String(200), nullable=True)  # one-way: root → synonyms
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
