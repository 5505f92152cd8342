"""inventory: movements may record restocked returns

Revision ID: 0002
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_OLD = "reason IN ('adjust', 'reserve', 'commit', 'release', 'expire')"
_NEW = "reason IN ('adjust', 'reserve', 'commit', 'release', 'expire', 'restock')"


def upgrade() -> None:
    op.drop_constraint("ck_stock_movements_reason_known", "stock_movements", type_="check")
    op.create_check_constraint("ck_stock_movements_reason_known", "stock_movements", _NEW)


def downgrade() -> None:
    op.execute("DELETE FROM stock_movements WHERE reason = 'restock'")
    op.drop_constraint("ck_stock_movements_reason_known", "stock_movements", type_="check")
    op.create_check_constraint("ck_stock_movements_reason_known", "stock_movements", _OLD)
