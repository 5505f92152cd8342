"""coupons: coupons, scopes, redemptions and outbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.migrations import timestamp_column as _timestamp
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("min_order_minor", sa.BigInteger, nullable=True),
        sa.Column("max_discount_minor", sa.BigInteger, nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usage_limit", sa.Integer, nullable=True),
        sa.Column("per_user_limit", sa.Integer, nullable=True),
        sa.Column("used_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_by", UUID, nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.UniqueConstraint("code", name="uq_coupons_code"),
        sa.CheckConstraint("type IN ('percent', 'fixed')", name="ck_coupons_type_known"),
        sa.CheckConstraint("value > 0", name="ck_coupons_value_positive"),
        sa.CheckConstraint("type <> 'percent' OR value <= 100", name="ck_coupons_percent_at_most_100"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_coupons_window_ordered"),
        sa.CheckConstraint("used_count >= 0", name="ck_coupons_used_nonnegative"),
        sa.CheckConstraint("usage_limit IS NULL OR used_count <= usage_limit", name="ck_coupons_within_usage_limit"),
    )
    op.create_table(
        "coupon_scopes",
        sa.Column("coupon_id", UUID, sa.ForeignKey("coupons.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scope_type", sa.String(16), primary_key=True),
        sa.Column("ref_id", UUID, primary_key=True),
        sa.CheckConstraint("scope_type IN ('vendor', 'category', 'product', 'user')",
                           name="ck_coupon_scopes_scope_type_known"),
    )
    op.create_table(
        "redemptions",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("coupon_id", UUID, sa.ForeignKey("coupons.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("order_no", sa.String(64), nullable=False),
        sa.Column("discount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="redeemed"),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("released_at", nullable=True),
        sa.UniqueConstraint("coupon_id", "order_no", name="uq_redemptions_coupon_id_order_no"),
        sa.CheckConstraint("status IN ('redeemed', 'released')", name="ck_redemptions_status_known"),
        sa.CheckConstraint("discount_minor >= 0", name="ck_redemptions_discount_nonnegative"),
    )
    op.create_index("ix_redemptions_coupon_id_user_id_status", "redemptions", ["coupon_id", "user_id", "status"])
    op.create_index("ix_redemptions_order_no", "redemptions", ["order_no"])
    create_outbox(op)


def downgrade() -> None:
    drop_outbox(op)
    op.drop_table("redemptions")
    op.drop_table("coupon_scopes")
    op.drop_table("coupons")
