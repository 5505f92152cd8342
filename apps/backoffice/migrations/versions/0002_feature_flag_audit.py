"""backoffice: audit trail of feature flag changes

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


def upgrade() -> None:
    op.create_table(
        "feature_flag_audit",
        sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("flag_key", sa.String(64), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        _timestamp("changed_at"),
        sa.Column("before", pg.JSONB),
        sa.Column("after", pg.JSONB, nullable=False),
        sa.Column("request_id", sa.String(64)),
    )
    op.create_index("ix_feature_flag_audit_flag_key_changed_at", "feature_flag_audit", ["flag_key", "changed_at"])


def downgrade() -> None:
    op.drop_table("feature_flag_audit")
