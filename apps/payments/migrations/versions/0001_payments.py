"""payments: order projection, intents, payments, refunds, returns, provider events, earnings, payouts,
idempotency keys, outbox and inbox

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
ORDER_NO = sa.String(64)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                     server_default=None if nullable else sa.func.now())


def _money(name: str, default: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0" if default else None)


def _orders_and_payments() -> None:
    op.create_table(
        "order_projection",
        sa.Column("order_no", ORDER_NO, primary_key=True),
        sa.Column("order_id", sa.String(64)),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("payment_status", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("total_minor"),
        sa.Column("items", pg.JSONB, nullable=False),
        sa.Column("vendor_splits", pg.JSONB, nullable=False),
        _at("paid_at", True), _at("delivered_at", True), _at("cancelled_at", True),
        _at("created_at"), _at("updated_at"),
    )
    op.create_index("ix_order_projection_user_id", "order_projection", ["user_id"])
    op.create_table(
        "payment_intents",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("order_no", ORDER_NO, nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        _money("amount_minor"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("client_secret", sa.String(512), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("failure_reason", sa.String(200)),
        sa.Column("flagged", sa.Boolean, nullable=False, server_default="false"),
        _at("created_at"), _at("updated_at"),
        sa.CheckConstraint("status IN ('requires_payment', 'succeeded', 'failed')",
                           name="ck_payment_intents_status_known"),
        sa.CheckConstraint("amount_minor >= 0", name="ck_payment_intents_amount_nonnegative"),
    )
    op.create_index("ix_payment_intents_order_no", "payment_intents", ["order_no"])
    op.create_index("uq_payment_intents_open_order", "payment_intents", ["order_no"], unique=True,
                    postgresql_where=sa.text("status = 'requires_payment'"))
    op.create_table(
        "payments",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("intent_id", sa.String(255), sa.ForeignKey("payment_intents.id",
                                                             name="fk_payments_intent_id_payment_intents"),
                  nullable=False),
        sa.Column("order_no", ORDER_NO, nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        _money("amount_minor"), _money("refunded_minor", True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("provider_event_id", sa.String(255)),
        _at("succeeded_at"),
        sa.UniqueConstraint("intent_id", name="uq_payments_intent_id"),
        sa.UniqueConstraint("order_no", name="uq_payments_order_no"),
        sa.CheckConstraint("amount_minor >= 0", name="ck_payments_amount_nonnegative"),
        sa.CheckConstraint("refunded_minor >= 0 AND refunded_minor <= amount_minor",
                           name="ck_payments_refunds_within_capture"),
    )


def _refunds_and_events() -> None:
    op.create_table(
        "refunds",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("payment_id", UUID, sa.ForeignKey("payments.id", name="fk_refunds_payment_id_payments"),
                  nullable=False),
        sa.Column("order_no", ORDER_NO, nullable=False),
        _money("amount_minor"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("items", pg.JSONB),
        sa.Column("rma_id", sa.String(64)),
        sa.Column("full", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_refund_id", sa.String(255)),
        sa.Column("created_by", sa.String(64)),
        _at("created_at"), _at("confirmed_at", True),
        sa.UniqueConstraint("provider_refund_id", name="uq_refunds_provider_refund_id"),
        sa.CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="ck_refunds_status_known"),
        sa.CheckConstraint("amount_minor > 0", name="ck_refunds_amount_positive"),
    )
    for column in ("payment_id", "order_no", "rma_id"):
        op.create_index(f"ix_refunds_{column}", "refunds", [column])
    op.create_table(
        "return_requests",
        sa.Column("rma_id", sa.String(64), primary_key=True),
        sa.Column("order_no", ORDER_NO, nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("items", pg.JSONB, nullable=False),
        _money("amount_minor"),
        sa.Column("reason", sa.String(500)),
        sa.Column("refund_id", UUID),
        _at("created_at"),
    )
    op.create_index("ix_return_requests_order_no", "return_requests", ["order_no"])
    op.create_table(
        "provider_events",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("object_id", sa.String(255)),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("payload", pg.JSONB, nullable=False),
        _at("received_at"),
    )
    op.create_index("ix_provider_events_object_id", "provider_events", ["object_id"])


def _earnings_and_payouts() -> None:
    op.create_table(
        "earnings",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("order_no", ORDER_NO, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("gross_orig_minor"), _money("commission_orig_minor"), _money("fees_orig_minor"),
        _money("refunded_gross_minor", True), _money("gross_minor"), _money("commission_minor"),
        _money("fees_minor"), _money("net_minor"), _money("paid_minor", True),
        sa.Column("status", sa.String(16), nullable=False),
        _at("eligible_at", True), _at("created_at"), _at("updated_at"),
        sa.UniqueConstraint("vendor_id", "order_no", name="uq_earnings_vendor_id_order_no"),
        sa.CheckConstraint("status IN ('pending', 'eligible', 'paid', 'void')", name="ck_earnings_status_known"),
        sa.CheckConstraint("refunded_gross_minor >= 0 AND refunded_gross_minor <= gross_orig_minor",
                           name="ck_earnings_refunds_within_gross"),
    )
    op.create_index("ix_earnings_order_no", "earnings", ["order_no"])
    op.create_index("ix_earnings_vendor_status", "earnings", ["vendor_id", "status"])
    op.create_index("ix_earnings_status_eligible_at", "earnings", ["status", "eligible_at"])
    op.create_table(
        "payouts",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("vendor_id", UUID, nullable=False),
        _money("amount_minor"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(64)),
        sa.Column("note", sa.String(500)),
        _at("created_at"), _at("updated_at"), _at("processed_at", True),
        sa.CheckConstraint("status IN ('requested', 'processing', 'paid', 'failed')", name="ck_payouts_status_known"),
        sa.CheckConstraint("amount_minor > 0", name="ck_payouts_amount_positive"),
    )
    op.create_index("ix_payouts_vendor_id", "payouts", ["vendor_id"])
    op.create_index("ix_payouts_status_created_at", "payouts", ["status", "created_at"])
    op.create_table(
        "payout_items",
        sa.Column("payout_id", UUID, sa.ForeignKey("payouts.id", ondelete="CASCADE",
                                                   name="fk_payout_items_payout_id_payouts"), primary_key=True),
        sa.Column("earning_id", UUID, sa.ForeignKey("earnings.id", name="fk_payout_items_earning_id_earnings"),
                  primary_key=True),
        _money("amount_minor"),
        sa.CheckConstraint("amount_minor > 0", name="ck_payout_items_amount_positive"),
    )
    op.create_index("ix_payout_items_earning_id", "payout_items", ["earning_id"])


def upgrade() -> None:
    _orders_and_payments()
    _refunds_and_events()
    _earnings_and_payouts()
    table = idempotency_table(sa.MetaData())
    op.create_table(table.name, *[c.copy() for c in table.columns],
                    sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"))
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("idempotency_keys")
    for table in ("payout_items", "payouts", "earnings", "provider_events", "return_requests", "refunds",
                  "payments", "payment_intents", "order_projection"):
        op.drop_table(table)
