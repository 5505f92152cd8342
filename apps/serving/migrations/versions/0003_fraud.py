"""serving: fraud tables (orders and accounts projections, scores, decision audit)

Idempotent (if_not_exists): local databases were stamped past this slot while it was still empty, and are
brought here by stamping back and upgrading again.

Revision ID: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.migrations import timestamp_column as _timestamp

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DECISIONS = "('approve', 'review', 'reject')"


def upgrade() -> None:
    op.create_table(
        "ai_fraud_orders",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("ip", sa.String(45)),
        sa.Column("ip_country", sa.String(2)),
        sa.Column("ship_country", sa.String(2)),
        sa.Column("address_key", sa.String(80)),
        sa.Column("card_fingerprint", sa.String(64)),
        sa.Column("card_country", sa.String(2)),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("item_count", sa.Integer, nullable=False),
        sa.Column("items", pg.JSONB, nullable=False, server_default="[]"),
        _timestamp("created_at"),
        if_not_exists=True,
    )
    for column in ("user_id", "device_id", "address_key", "card_fingerprint"):
        op.create_index(f"ix_ai_fraud_orders_{column}", "ai_fraud_orders", [column], if_not_exists=True)
    op.create_table(
        "ai_fraud_accounts",
        sa.Column("user_id", sa.String(64), primary_key=True),
        _timestamp("created_at"),
        if_not_exists=True,
    )
    op.create_table(
        "ai_fraud_pending_payments",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("card_fingerprint", sa.String(64)),
        sa.Column("card_country", sa.String(2)),
        sa.Column("paid", sa.Boolean, nullable=False, server_default=sa.false()),
        _timestamp("seen_at"),
        if_not_exists=True,
    )
    op.create_table(
        "ai_fraud_scores",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64)),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reasons", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("model_version", sa.String(120), nullable=False),
        sa.Column("strategy", sa.String(8), nullable=False),
        sa.Column("features", pg.JSONB, nullable=False, server_default="{}"),
        sa.Column("latency_ms", sa.Float, nullable=False),
        _timestamp("scored_at"),
        sa.Column("rescored", sa.Integer, nullable=False, server_default="0"),
        sa.Column("provisional", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("review_status", sa.String(8)),
        sa.Column("final_decision", sa.String(8)),
        sa.Column("decided_by", sa.String(64)),
        _timestamp("decided_at", nullable=True),
        sa.Column("note", sa.Text),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="ck_ai_fraud_scores_score_range"),
        sa.CheckConstraint(f"decision IN {DECISIONS}", name="ck_ai_fraud_scores_decision_known"),
        sa.CheckConstraint("review_status IN ('pending', 'decided')", name="ck_ai_fraud_scores_review_status"),
        sa.CheckConstraint("final_decision IN ('approve', 'reject')", name="ck_ai_fraud_scores_final_decision"),
        if_not_exists=True,
    )
    op.create_index("ix_ai_fraud_scores_user_id", "ai_fraud_scores", ["user_id"], if_not_exists=True)
    op.create_index("ix_ai_fraud_scores_review_status", "ai_fraud_scores", ["review_status", "score"], if_not_exists=True)
    op.create_table(
        "ai_fraud_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("order_no", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("previous_decision", sa.String(8)),
        sa.Column("actor", sa.String(160), nullable=False),
        sa.Column("actor_roles", pg.JSONB, nullable=False, server_default="[]"),
        sa.Column("note", sa.Text),
        sa.Column("score", sa.Float),
        _timestamp("decided_at"),
        sa.CheckConstraint(f"decision IN {DECISIONS}", name="ck_ai_fraud_decisions_decision_known"),
        if_not_exists=True,
    )
    op.create_index("ix_ai_fraud_decisions_order_no", "ai_fraud_decisions", ["order_no", "decided_at"], if_not_exists=True)


def downgrade() -> None:
    for table in ("ai_fraud_decisions", "ai_fraud_scores", "ai_fraud_pending_payments", "ai_fraud_accounts",
                  "ai_fraud_orders"):
        op.drop_table(table, if_exists=True)
