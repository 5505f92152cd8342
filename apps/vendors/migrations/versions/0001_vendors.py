"""vendors: vendors, status audit, commission rules, KYC documents, bank accounts, outbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)


def _vendor_fk() -> sa.Column:
    return sa.Column("vendor_id", UUID, sa.ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "vendors",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("owner_user_id", UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("support_email", sa.String(320), nullable=False),
        sa.Column("support_phone", sa.String(32)),
        sa.Column("description", sa.Text),
        sa.Column("logo_url", sa.String(2000)),
        _now("created_at"),
        _now("updated_at"),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("status_changed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("owner_user_id", name="uq_vendors_owner_user_id"),
        sa.UniqueConstraint("slug", name="uq_vendors_slug"),
        sa.CheckConstraint("status IN ('pending', 'active', 'suspended', 'rejected')", name="ck_vendors_status"),
    )
    op.create_index("ix_vendors_status_created_at", "vendors", ["status", "created_at"])
    op.create_table(
        "vendor_status_audit",
        sa.Column("id", UUID, primary_key=True),
        _vendor_fk(),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor_user_id", UUID),
        sa.Column("reason", sa.String(1000)),
        _now("at"),
    )
    op.create_index("ix_vendor_status_audit_vendor_id", "vendor_status_audit", ["vendor_id"])
    op.create_table(
        "commission_rules",
        sa.Column("id", UUID, primary_key=True),
        _vendor_fk(),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3)),
        sa.Column("category_id", UUID),
        _now("active_from"),
        sa.Column("created_by", UUID),
        sa.CheckConstraint("type IN ('percent', 'fixed')", name="ck_commission_rules_type"),
        sa.CheckConstraint("value >= 0 AND (type <> 'percent' OR value <= 10000)", name="ck_commission_rules_value"),
    )
    op.create_index("ix_commission_rules_vendor_id_active_from", "commission_rules", ["vendor_id", "active_from"])
    op.create_table(
        "vendor_kyc_documents",
        sa.Column("id", UUID, primary_key=True),
        _vendor_fk(),
        sa.Column("doc_type", sa.String(50), nullable=False),
        sa.Column("doc_url", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_by", UUID),
        _now("created_at"),
    )
    op.create_index("ix_vendor_kyc_documents_vendor_id", "vendor_kyc_documents", ["vendor_id"])
    op.create_table(
        "vendor_bank_accounts",
        sa.Column("id", UUID, primary_key=True),
        _vendor_fk(),
        sa.Column("account_holder", sa.String(200), nullable=False),
        sa.Column("account_type", sa.String(16), nullable=False),
        sa.Column("account_number_encrypted", sa.Text, nullable=False),
        sa.Column("account_last4", sa.String(4), nullable=False),
        sa.Column("bank_name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("created_by", UUID),
        _now("created_at"),
        sa.CheckConstraint("account_type IN ('iban', 'account_no')", name="ck_vendor_bank_accounts_account_type"),
    )
    op.create_index("ix_vendor_bank_accounts_vendor_id", "vendor_bank_accounts", ["vendor_id"])
    create_outbox(op)


def downgrade() -> None:
    drop_outbox(op)
    for table in ("vendor_bank_accounts", "vendor_kyc_documents", "commission_rules", "vendor_status_audit",
                  "vendors"):
        op.drop_table(table)
