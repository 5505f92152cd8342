"""serving: vendor_insights tables (decisions on price suggestions)

Revision ID: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.migrations import timestamp_column as _timestamp

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_price_decisions",
        sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("vendor_id", pg.UUID(as_uuid=False), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("product_id", sa.String(64)),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("current_price_minor", sa.BigInteger, nullable=False),
        sa.Column("suggested_price_minor", sa.BigInteger, nullable=False),
        sa.Column("applied", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("model_version", sa.String(64), nullable=False),
        _timestamp("suggestion_generated_at"),
        sa.Column("decided_by", sa.String(64), nullable=False),
        _timestamp("decided_at"),
        sa.Column("note", sa.String(500)),
        sa.UniqueConstraint("vendor_id", "sku", "suggestion_generated_at",
                            name="uq_ai_price_decisions_vendor_id_sku_suggestion_generated_at"),
        sa.CheckConstraint("decision IN ('accepted', 'dismissed')", name="ck_ai_price_decisions_decision_known"),
    )
    op.create_index("ix_ai_price_decisions_vendor_id", "ai_price_decisions", ["vendor_id"])


def downgrade() -> None:
    op.drop_table("ai_price_decisions")
