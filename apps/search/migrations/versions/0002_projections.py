"""search: projections of products, per-alias index state, SKUs, vendors, categories, brands; synonym sets

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

from kernel.migrations import timestamp_column as _timestamp

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_products",
        sa.Column("product_id", sa.String(36), primary_key=True),
        sa.Column("vendor_id", sa.String(36), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("slug", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.Column("category_ids", sa.JSON, nullable=False),
        sa.Column("brand_id", sa.String(36)),
        sa.Column("currency", sa.String(3), nullable=False),
        _timestamp("created_at"),
        _timestamp("source_at"),
        sa.Column("rating_avg", sa.Float, nullable=False),
        sa.Column("rating_count", sa.Integer, nullable=False),
        _timestamp("rating_at", nullable=True),
        sa.Column("units_sold", sa.Integer, nullable=False),
        sa.Column("index_version", sa.Integer, nullable=False),
        sa.Column("embedding", sa.LargeBinary),
        sa.Column("embedding_key", sa.String(64)),
    )
    op.create_index("ix_search_products_vendor_id", "search_products", ["vendor_id"])
    op.create_index("ix_search_products_brand_id", "search_products", ["brand_id"])
    op.create_table(
        "search_index_state",
        sa.Column("alias", sa.String(100), primary_key=True),
        sa.Column("product_id", sa.String(36), primary_key=True),
        sa.Column("indexed_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "search_skus",
        sa.Column("sku", sa.String(128), primary_key=True),
        sa.Column("product_id", sa.String(36)),
        sa.Column("price_minor", sa.Integer),
        _timestamp("price_at", nullable=True),
        sa.Column("option_values", sa.JSON, nullable=False),
        sa.Column("available", sa.Integer),
        _timestamp("stock_at", nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ix_search_skus_product_id", "search_skus", ["product_id"])
    op.create_table(
        "search_vendors",
        sa.Column("vendor_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _timestamp("source_at"),
    )
    op.create_table(
        "search_categories",
        sa.Column("category_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.String(36)),
        sa.Column("path", sa.Text, nullable=False),
        _timestamp("source_at"),
    )
    op.create_table(
        "search_brands",
        sa.Column("brand_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "search_synonyms",
        sa.Column("synonym_id", sa.String(64), primary_key=True),
        sa.Column("root", sa.String(200)),
        sa.Column("synonyms", sa.JSON, nullable=False),
        _timestamp("updated_at"),
    )


def downgrade() -> None:
    for table in ("search_synonyms", "search_brands", "search_categories", "search_vendors", "search_skus",
                  "search_index_state", "search_products"):
        op.drop_table(table)
