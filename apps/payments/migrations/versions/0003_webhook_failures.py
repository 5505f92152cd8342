"""payments: webhook_failures, the poison queue of provider deliveries our handling failed (inspect, replay)

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.migrations import timestamp_column as _timestamp

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_failures",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("payload", pg.JSONB, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("1")),
        sa.Column("last_error", sa.Text, nullable=False),
        _timestamp("first_failed_at"),
        _timestamp("last_failed_at"),
    )


def downgrade() -> None:
    op.drop_table("webhook_failures")
