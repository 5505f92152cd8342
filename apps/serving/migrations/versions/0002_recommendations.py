"""serving: recommendations tables — projections of catalog, vendors, stock and orders fed by events, and the
request/result log (ai_reco_requests, ai_reco_results)

Idempotent (if_not_exists): local databases were stamped past this slot while it was still empty, and are
brought here by stamping back to 0001 and upgrading again.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.migrations import timestamp_column as _timestamp

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)
_AT = "source_occurred_at"


def upgrade() -> None:
    op.create_table(
        "reco_products",
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("category_id", sa.String(64), nullable=True),
        sa.Column("category_ids", pg.JSONB, nullable=False),
        sa.Column("skus", pg.JSONB, nullable=False),
        sa.Column(_AT, sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_index("ix_reco_products_vendor_id", "reco_products", ["vendor_id"], if_not_exists=True)
    op.create_index("ix_reco_products_category_id", "reco_products", ["category_id"], if_not_exists=True)
    op.create_table(
        "reco_vendors",
        sa.Column("vendor_id", UUID, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column(_AT, sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "reco_stock",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("product_id", UUID, nullable=True),
        sa.Column("available", sa.Integer, nullable=False),
        sa.Column(_AT, sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_index("ix_reco_stock_product_id", "reco_stock", ["product_id"], if_not_exists=True)
    op.create_table(
        "reco_popularity",
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("orders", sa.Integer, nullable=False, server_default="0"),
        sa.Column("trend", sa.Float, nullable=False, server_default="0"),
        sa.Column("trend_at", sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "reco_copurchase",
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("other_id", UUID, primary_key=True),
        sa.Column("orders", sa.Integer, nullable=False, server_default="0"),
        if_not_exists=True,
    )
    op.create_table(
        "reco_purchases",
        sa.Column("user_id", UUID, primary_key=True),
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_table(
        "ai_reco_requests",
        sa.Column("request_id", UUID, primary_key=True),
        sa.Column("user_id", UUID, nullable=True),
        sa.Column("context", sa.String(16), nullable=False),
        sa.Column("product_ids", pg.JSONB, nullable=False),
        sa.Column("category_id", sa.String(64), nullable=True),
        sa.Column("limit", sa.Integer, nullable=False),
        sa.Column("variant", sa.String(32), nullable=True),
        _timestamp("requested_at"),
        if_not_exists=True,
    )
    op.create_index("ix_ai_reco_requests_user_id", "ai_reco_requests", ["user_id"], if_not_exists=True)
    op.create_table(
        "ai_reco_results",
        sa.Column("request_id", UUID, primary_key=True),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("model_version", sa.String(32), nullable=True),
        sa.Column("items", pg.JSONB, nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("cache_hit", sa.Boolean, nullable=False, server_default=sa.false()),
        _timestamp("served_at"),
        if_not_exists=True,
    )


def downgrade() -> None:
    for table in ("ai_reco_results", "ai_reco_requests", "reco_purchases", "reco_copurchase", "reco_popularity",
                  "reco_stock", "reco_vendors", "reco_products"):
        op.drop_table(table, if_exists=True)
