"""orders: fraud hold (an order in fraud review waits: no capture, no fulfilment) and the fraud decision taken

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("fraud_hold", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("orders", sa.Column("fraud_decision", sa.String(8)))
    op.create_check_constraint("fraud_decision_known", "orders",
                               "fraud_decision IN ('approve', 'review', 'reject')")


def downgrade() -> None:
    op.drop_constraint("fraud_decision_known", "orders", type_="check")
    op.drop_column("orders", "fraud_decision")
    op.drop_column("orders", "fraud_hold")
