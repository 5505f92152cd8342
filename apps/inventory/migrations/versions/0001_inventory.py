"""inventory: stock items, movements, reservations, outbox and inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.inbox import create_inbox, drop_inbox
from kernel.migrations import timestamp_column as _timestamp
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)


def upgrade() -> None:
    op.create_table(
        "stock_items",
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("product_id", UUID, nullable=True),
        sa.Column("on_hand", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reserved", sa.Integer, nullable=False, server_default="0"),
        sa.Column("reorder_point", sa.Integer, nullable=False, server_default="0"),
        sa.Column("safety_stock", sa.Integer, nullable=False, server_default="0"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_items_reserved_nonnegative"),
        sa.CheckConstraint("on_hand >= reserved", name="ck_stock_items_on_hand_covers_reserved"),
        sa.CheckConstraint("reorder_point >= 0", name="ck_stock_items_reorder_point_nonnegative"),
        sa.CheckConstraint("safety_stock >= 0", name="ck_stock_items_safety_stock_nonnegative"),
    )
    op.create_index("ix_stock_items_vendor_id", "stock_items", ["vendor_id"])
    op.create_index("ix_stock_items_product_id", "stock_items", ["product_id"])

    op.create_table(
        "stock_movements",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("sku", sa.String(64), sa.ForeignKey("stock_items.sku", ondelete="CASCADE"), nullable=False),
        sa.Column("delta_on_hand", sa.Integer, nullable=False),
        sa.Column("delta_reserved", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(120), nullable=True),
        sa.Column("actor", sa.String(64), nullable=True),
        _timestamp("at"),
        sa.CheckConstraint("reason IN ('adjust', 'reserve', 'commit', 'release', 'expire')",
                           name="ck_stock_movements_reason_known"),
    )
    op.create_index("ix_stock_movements_sku_at", "stock_movements", ["sku", "at"])

    op.create_table(
        "reservations",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("reference", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("created_at"),
        _timestamp("closed_at", nullable=True),
        sa.CheckConstraint("status IN ('active', 'committed', 'released', 'expired')",
                           name="ck_reservations_status_known"),
    )
    op.create_index("ix_reservations_status_expires_at", "reservations", ["status", "expires_at"])
    op.create_index("ix_reservations_reference", "reservations", ["reference"])

    op.create_table(
        "reservation_items",
        sa.Column("reservation_id", UUID, sa.ForeignKey("reservations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sku", sa.String(64), sa.ForeignKey("stock_items.sku", ondelete="RESTRICT"), primary_key=True),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.CheckConstraint("qty > 0", name="ck_reservation_items_qty_positive"),
    )
    op.create_index("ix_reservation_items_sku", "reservation_items", ["sku"])
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("reservation_items")
    op.drop_table("reservations")
    op.drop_table("stock_movements")
    op.drop_table("stock_items")
