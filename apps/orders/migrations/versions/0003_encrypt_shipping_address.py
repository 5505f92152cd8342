"""orders: each order's shipping address, and the stored Idempotency-Key answers that repeat it, encrypted at rest

The columns stay JSONB (each value becomes one JSON string holding its ciphertext, kernel/encrypted_columns.py);
the rows already stored are encrypted in place in the same transaction.

Revision ID: 0003
"""
from alembic import op

from kernel.encrypted_columns import rewrite_rows

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    rewrite_rows(conn, "orders", ["shipping_address"], encrypt=True, as_json=True)
    rewrite_rows(conn, "idempotency_keys", ["response"], encrypt=True, as_json=True)


def downgrade() -> None:
    conn = op.get_bind()
    rewrite_rows(conn, "orders", ["shipping_address"], encrypt=False, as_json=True)
    rewrite_rows(conn, "idempotency_keys", ["response"], encrypt=False, as_json=True)
