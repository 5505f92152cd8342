"""payments: fraud flags (hold: no intent until the risk team decides; rejected: refund captured money)

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
        "fraud_flags",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        _timestamp("updated_at"),
        sa.CheckConstraint("status IN ('hold', 'released', 'rejected')", name="status_known"),
    )


def downgrade() -> None:
    op.drop_table("fraud_flags")
