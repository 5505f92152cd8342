"""catalog: product ratings copied from the reviews service's moderation events

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("products", sa.Column("rating_avg", sa.Numeric(3, 2)))
    op.add_column("products", sa.Column("rating_count", sa.Integer, nullable=False, server_default="0"))
    op.add_column("products", sa.Column("rating_as_of", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("products", "rating_as_of")
    op.drop_column("products", "rating_count")
    op.drop_column("products", "rating_avg")
