"""catalog: brands, products, variants (marketplace-unique SKU), images, vendors projection, inbox

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.inbox import create_inbox, drop_inbox

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UUID = pg.UUID(as_uuid=False)


def _ts(name: str, *, nullable: bool = False, default: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=sa.func.now() if default else None)


def upgrade() -> None:
    op.create_table(
        "brands",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("slug", name="uq_brands_slug"),
    )
    _products()
    op.create_table(
        "product_categories",
        sa.Column("product_id", _UUID, sa.ForeignKey("products.id", ondelete="CASCADE",
                                                     name="fk_product_categories_product_id_products"),
                  primary_key=True),
        sa.Column("category_id", _UUID, sa.ForeignKey("categories.id", ondelete="RESTRICT",
                                                      name="fk_product_categories_category_id_categories"),
                  primary_key=True),
    )
    op.create_index("ix_product_categories_category_id", "product_categories", ["category_id"])
    _variants()
    _images()
    op.create_table(
        "vendors",
        sa.Column("vendor_id", _UUID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        _ts("source_occurred_at", default=False),
        _ts("updated_at"),
    )
    op.create_index("ix_vendors_slug", "vendors", ["slug"])
    create_inbox(op)


def _products() -> None:
    op.create_table(
        "products",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("vendor_id", _UUID, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(220), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("brand_id", _UUID, sa.ForeignKey("brands.id", ondelete="RESTRICT",
                                                   name="fk_products_brand_id_brands")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attributes", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("options", pg.JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("seo_title", sa.String(200)),
        sa.Column("seo_description", sa.String(500)),
        sa.Column("min_price_minor", sa.BigInteger, nullable=False),
        sa.Column("max_price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rejection_reason", sa.String(1000)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("slug", name="uq_products_slug"),
        sa.CheckConstraint("status IN ('draft', 'pending', 'active', 'archived')", name="ck_products_status"),
    )
    op.create_index("ix_products_brand_id", "products", ["brand_id"])
    op.create_index("ix_products_min_price_minor", "products", ["min_price_minor"])
    op.create_index("ix_products_status_created_at", "products", ["status", "created_at"])
    op.create_index("ix_products_vendor_id_status", "products", ["vendor_id", "status"])


def _variants() -> None:
    op.create_table(
        "product_variants",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("product_id", _UUID, sa.ForeignKey("products.id", ondelete="CASCADE",
                                                     name="fk_product_variants_product_id_products"),
                  nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("option_values", pg.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("compare_at_price_minor", sa.BigInteger),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tax_class", sa.String(32)),
        sa.Column("weight_grams", sa.Integer),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        # One index enforces SKU uniqueness across every vendor; a concurrent duplicate fails here → 409.
        sa.UniqueConstraint("sku", name="uq_product_variants_sku"),
        sa.CheckConstraint("price_minor >= 0", name="ck_product_variants_price_minor_non_negative"),
    )
    op.create_index("ix_product_variants_product_id", "product_variants", ["product_id"])
    op.create_index("ix_product_variants_price_minor", "product_variants", ["price_minor"])


def _images() -> None:
    op.create_table(
        "product_images",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("product_id", _UUID, sa.ForeignKey("products.id", ondelete="CASCADE",
                                                     name="fk_product_images_product_id_products"),
                  nullable=False),
        sa.Column("storage_key", sa.String(512)),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("alt", sa.String(200)),
        sa.Column("content_type", sa.String(64)),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("size_bytes", sa.Integer),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        _ts("created_at"),
    )
    op.create_index("ix_product_images_product_id", "product_images", ["product_id"])


def downgrade() -> None:
    drop_inbox(op)
    for table in ("vendors", "product_images", "product_variants", "product_categories", "products", "brands"):
        op.drop_table(table)
