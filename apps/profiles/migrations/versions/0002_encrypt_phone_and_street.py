"""profiles: phones and street lines encrypted at rest (kernel/encrypted_columns.py)

Ciphertext is longer than the values (about 100 characters more), so the columns become text; the rows already
stored are encrypted in place in the same transaction.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

from kernel.encrypted_columns import rewrite_rows

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("profiles", "phone", type_=sa.Text)
    op.alter_column("addresses", "line1", type_=sa.Text)
    op.alter_column("addresses", "line2", type_=sa.Text)
    conn = op.get_bind()
    rewrite_rows(conn, "profiles", ["phone"], encrypt=True, as_json=False)
    rewrite_rows(conn, "addresses", ["line1", "line2"], encrypt=True, as_json=False)


def downgrade() -> None:
    conn = op.get_bind()
    rewrite_rows(conn, "profiles", ["phone"], encrypt=False, as_json=False)
    rewrite_rows(conn, "addresses", ["line1", "line2"], encrypt=False, as_json=False)
    op.alter_column("profiles", "phone", type_=sa.String(16))
    op.alter_column("addresses", "line1", type_=sa.String(200))
    op.alter_column("addresses", "line2", type_=sa.String(200))
