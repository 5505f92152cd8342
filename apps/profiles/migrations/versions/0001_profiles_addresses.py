"""profiles: profiles, addresses (one default per user) and outbox

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


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("user_id", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("phone", sa.String(16)),
        sa.Column("dob", sa.Date),
        sa.Column("marketing_opt_in", sa.Boolean, nullable=False, server_default=sa.false()),
        *_timestamps(),
    )
    op.create_table(
        "addresses",
        sa.Column("id", pg.UUID(as_uuid=False), primary_key=True),
        sa.Column("user_id", pg.UUID(as_uuid=False), nullable=False),
        sa.Column("label", sa.String(50)),
        sa.Column("line1", sa.String(200), nullable=False),
        sa.Column("line2", sa.String(200)),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("state", sa.String(100)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
        *_timestamps(),
        sa.ForeignKeyConstraint(["user_id"], ["profiles.user_id"], ondelete="CASCADE",
                                name="fk_addresses_user_id_profiles"),
        sa.CheckConstraint("country ~ '^[A-Z]{2}$'", name="ck_addresses_country_alpha2"),
    )
    # At most one default address per user, whatever the application does.
    op.create_index("uq_addresses_user_id_default", "addresses", ["user_id"], unique=True,
                    postgresql_where=sa.text("is_default"))
    op.create_index("ix_addresses_user_id_created_at", "addresses", ["user_id", "created_at"])
    create_outbox(op)


def downgrade() -> None:
    drop_outbox(op)
    op.drop_table("addresses")
    op.drop_table("profiles")
