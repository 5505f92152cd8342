"""orders: orders, items, vendor splits, timeline, returns, vendor commissions, idempotency keys, outbox, inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.idempotency import idempotency_table
from kernel.inbox import create_inbox, drop_inbox
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)
STATUSES = "'unfulfilled', 'processing', 'shipped', 'delivered', 'cancelled', 'returned'"
PAYMENT_STATUSES = "'pending', 'paid', 'failed', 'refunded', 'partial'"


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=None if nullable else sa.func.now())


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False)


def _orders() -> None:
    op.execute("CREATE SEQUENCE order_no_seq")
    op.create_table(
        "orders",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("order_no", sa.String(32), nullable=False, unique=True),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payment_status", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        *[_money(n) for n in ("subtotal_minor", "discount_minor", "shipping_minor", "tax_minor", "total_minor")],
        sa.Column("refunded_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("coupon_code", sa.String(64)),
        sa.Column("shipping_method", sa.String(16), nullable=False),
        sa.Column("shipping_eta_days", sa.Integer),
        sa.Column("shipping_address", pg.JSONB, nullable=False),
        sa.Column("reservation_id", UUID),
        sa.Column("payment_id", sa.String(120)),
        sa.Column("cancel_reason", sa.String(200)),
        _at("expires_at"), _at("created_at"), _at("updated_at"),
        *[_at(n, nullable=True) for n in ("paid_at", "cancelled_at", "shipped_at", "delivered_at")],
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_orders_status_known"),
        sa.CheckConstraint(f"payment_status IN ({PAYMENT_STATUSES})", name="ck_orders_payment_status_known"),
        sa.CheckConstraint("total_minor = subtotal_minor - discount_minor + shipping_minor + tax_minor",
                           name="ck_orders_total_adds_up"),
        sa.CheckConstraint("discount_minor >= 0 AND discount_minor <= subtotal_minor",
                           name="ck_orders_discount_bounded"),
        sa.CheckConstraint("refunded_minor >= 0", name="ck_orders_refunded_nonnegative"),
    )
    op.create_index("ix_orders_user_id_created_at", "orders", ["user_id", "created_at"])
    op.create_index("ix_orders_status_payment_status_created_at", "orders",
                    ["status", "payment_status", "created_at"])
    op.create_index("ix_orders_unpaid_expires_at", "orders", ["expires_at"],
                    postgresql_where=sa.text("status = 'unfulfilled'"))


def _items_and_splits() -> None:
    op.create_table(
        "order_items",
        sa.Column("order_id", UUID, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("product_id", UUID), sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("title", sa.String(300)),
        sa.Column("category_ids", pg.ARRAY(sa.String(64)), nullable=False, server_default="{}"),
        sa.Column("weight_grams", sa.Integer), sa.Column("qty", sa.Integer, nullable=False),
        *[_money(n) for n in ("price_minor", "line_total_minor", "discount_minor")],
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("carrier", sa.String(64)), sa.Column("tracking_no", sa.String(120)),
        _at("shipped_at", nullable=True), _at("delivered_at", nullable=True),
        sa.Column("returned_qty", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("qty > 0", name="ck_order_items_qty_positive"),
        sa.CheckConstraint("line_total_minor = qty * price_minor", name="ck_order_items_line_total"),
        sa.CheckConstraint("discount_minor >= 0 AND discount_minor <= line_total_minor",
                           name="ck_order_items_discount_bounded"),
        sa.CheckConstraint("returned_qty >= 0 AND returned_qty <= qty", name="ck_order_items_returned_bounded"),
        sa.CheckConstraint("status IN ('pending', 'shipped', 'delivered')", name="ck_order_items_status_known"),
    )
    op.create_index("ix_order_items_vendor_id_order_id", "order_items", ["vendor_id", "order_id"])
    op.create_table(
        "vendor_splits",
        sa.Column("order_id", UUID, sa.ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("vendor_id", UUID, primary_key=True),
        *[_money(n) for n in ("items_subtotal_minor", "discount_minor", "gross_minor", "commission_minor",
                              "net_minor", "shipping_minor", "tax_minor")],
        sa.Column("commission_type", sa.String(16), nullable=False),
        sa.Column("commission_value", sa.BigInteger, nullable=False),
        _at("fulfilled_at", nullable=True),
        sa.CheckConstraint("gross_minor = items_subtotal_minor - discount_minor",
                           name="ck_vendor_splits_gross_after_discount"),
        sa.CheckConstraint("net_minor = gross_minor - commission_minor", name="ck_vendor_splits_net_after_commission"),
        sa.CheckConstraint("commission_minor >= 0 AND commission_minor <= gross_minor",
                           name="ck_vendor_splits_commission_bounded"),
    )


def _timeline_returns_projection() -> None:
    op.create_table(
        "order_timeline",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("order_id", UUID, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("from_status", sa.String(16)), sa.Column("to_status", sa.String(16)),
        sa.Column("note", sa.Text), sa.Column("actor", sa.String(64)), _at("at"),
    )
    op.create_index("ix_order_timeline_order_id", "order_timeline", ["order_id"])
    op.create_table(
        "returns",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("order_id", UUID, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("note", sa.String(1000)), _at("created_at"), _at("updated_at"),
        sa.CheckConstraint("status IN ('requested', 'approved', 'received', 'rejected')",
                           name="ck_returns_status_known"),
    )
    op.create_index("ix_returns_order_id", "returns", ["order_id"])
    op.create_table(
        "return_items",
        sa.Column("return_id", UUID, sa.ForeignKey("returns.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("qty", sa.Integer, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.CheckConstraint("qty > 0", name="ck_return_items_qty_positive"),
    )
    op.create_table(
        "vendor_commissions",
        sa.Column("vendor_id", UUID, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("commission_type", sa.String(16)), sa.Column("commission_value", sa.BigInteger),
        _at("source_occurred_at"), _at("updated_at"),
    )


def upgrade() -> None:
    _orders()
    _items_and_splits()
    _timeline_returns_projection()
    table = idempotency_table(sa.MetaData())
    op.create_table(table.name, *[c.copy() for c in table.columns],
                    sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"))
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("idempotency_keys")
    for table in ("vendor_commissions", "return_items", "returns", "order_timeline", "vendor_splits",
                  "order_items", "orders"):
        op.drop_table(table)
    op.execute("DROP SEQUENCE order_no_seq")
