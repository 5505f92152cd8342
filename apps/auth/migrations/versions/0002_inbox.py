"""auth: inbox for event reactions (vendor.approved → vendor_admin)

Revision ID: 0002
"""
from alembic import op

from kernel.inbox import create_inbox, drop_inbox

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
