"""auth: when the vendor status behind an owner's vendor role changed (the newest change wins over late events)

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("vendor_role_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("users", "vendor_role_at")
