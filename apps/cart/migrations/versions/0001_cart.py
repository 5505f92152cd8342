"""cart: carts, lines, SKU and vendor projections, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.inbox import create_inbox, drop_inbox
from kernel.migrations import timestamp_column as _timestamp
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "carts",
        sa.Column("user_id", UUID, primary_key=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("coupon_code", sa.String(64), nullable=True),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_order_no", sa.String(64), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
    )
    op.create_table(
        "cart_items",
        sa.Column("user_id", UUID, sa.ForeignKey("carts.user_id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("product_id", UUID, nullable=False),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("category_ids", pg.JSONB, nullable=False),
        sa.Column("weight_grams", sa.Integer, nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("qty > 0", name="ck_cart_items_qty_positive"),
        sa.CheckConstraint("price_minor >= 0", name="ck_cart_items_price_nonnegative"),
    )
    op.create_index("ix_cart_items_sku", "cart_items", ["sku"])
    op.create_table(
        "sku_catalog",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("product_id", UUID, nullable=False),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("product_status", sa.String(16), nullable=False),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("category_ids", pg.JSONB, nullable=False),
        sa.Column("weight_grams", sa.Integer, nullable=True),
        sa.Column("source_occurred_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("updated_at"),
    )
    op.create_index("ix_sku_catalog_product_id", "sku_catalog", ["product_id"])
    op.create_index("ix_sku_catalog_vendor_id", "sku_catalog", ["vendor_id"])
    op.create_table(
        "vendor_states",
        sa.Column("vendor_id", UUID, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source_occurred_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("updated_at"),
    )
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("vendor_states")
    op.drop_table("sku_catalog")
    op.drop_table("cart_items")
    op.drop_table("carts")
