"""tracking: outbox

Revision ID: 0001
"""
from alembic import op

from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox(op)


def downgrade() -> None:
    drop_outbox(op)
