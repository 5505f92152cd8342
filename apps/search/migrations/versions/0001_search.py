"""search: outbox, inbox

Revision ID: 0001
"""
from alembic import op

from kernel.inbox import create_inbox, drop_inbox
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
