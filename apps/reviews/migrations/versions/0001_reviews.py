"""reviews: purchases projection, reviews, product ratings, outbox, inbox

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
        "purchases",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("paid_at", nullable=True),
        _timestamp("delivered_at", nullable=True),
        _timestamp("updated_at"),
        sa.CheckConstraint("status IN ('pending', 'paid', 'delivered', 'cancelled')",
                           name="ck_purchases_status_known"),
    )
    op.create_index("ix_purchases_user_id", "purchases", ["user_id"])
    op.create_table(
        "purchase_items",
        sa.Column("order_no", sa.String(64), sa.ForeignKey("purchases.order_no", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("product_id", sa.String(64), primary_key=True),
        sa.Column("sku", sa.String(64)),
    )
    op.create_table(
        "reviews",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("product_id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("order_no", sa.String(64), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("title", sa.String(200)),
        sa.Column("body", sa.Text),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("moderated_by", sa.String(64)),
        _timestamp("moderated_at", nullable=True),
        sa.Column("rejection_reason", sa.String(500)),
        _timestamp("created_at"),
        sa.UniqueConstraint("order_no", "product_id", name="uq_reviews_order_no_product_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating_range"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_reviews_status_known"),
        sa.CheckConstraint("char_length(body) <= 5000", name="ck_reviews_body_length"),
    )
    op.create_index("ix_reviews_product_id_status_created_at", "reviews", ["product_id", "status", "created_at"])
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    op.create_index("ix_reviews_status_created_at", "reviews", ["status", "created_at"])
    op.create_table(
        "product_ratings",
        sa.Column("product_id", UUID, primary_key=True),
        sa.Column("rating_sum", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rating_count", sa.Integer, nullable=False, server_default="0"),
        _timestamp("updated_at"),
        sa.CheckConstraint("rating_count >= 0 AND rating_sum >= 0", name="ck_product_ratings_nonnegative"),
    )
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("product_ratings")
    op.drop_table("reviews")
    op.drop_table("purchase_items")
    op.drop_table("purchases")
