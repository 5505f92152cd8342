"""shipping: rate tables with seeded defaults, shipments, tracking events, order projection, outbox, inbox

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

# (zone, service level, method, eta days, flat amount, brackets [(max grams | None, amount, extra per kg)]), USD.
# Domestic standard is the common flat rate; the others price by weight, with a per-kg charge above 5 kg.
DEFAULT_RATES = (
    ("domestic", "standard", "flat", 5, 599, ()),
    ("domestic", "express", "table", 2, None, ((500, 999, 0), (2000, 1499, 0), (5000, 2199, 0), (None, 2199, 300))),
    ("international", "standard", "table", 10, None,
     ((500, 1499, 0), (2000, 2499, 0), (5000, 3999, 0), (None, 3999, 600))),
    ("international", "express", "table", 4, None,
     ((500, 2999, 0), (2000, 4499, 0), (5000, 6999, 0), (None, 6999, 1200))),
)


def _rate_tables() -> None:
    tables = op.create_table(
        "rate_tables",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("service_level", sa.String(16), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("eta_days", sa.Integer, nullable=False),
        sa.Column("flat_amount_minor", sa.Integer),
        sa.UniqueConstraint("zone", "service_level", name="uq_rate_tables_zone_service_level"),
        sa.CheckConstraint("zone IN ('domestic', 'international')", name="ck_rate_tables_zone_known"),
        sa.CheckConstraint("service_level IN ('standard', 'express')", name="ck_rate_tables_level_known"),
        sa.CheckConstraint("method IN ('flat', 'table')", name="ck_rate_tables_method_known"),
        sa.CheckConstraint("eta_days > 0", name="ck_rate_tables_eta_positive"),
    )
    brackets = op.create_table(
        "rate_brackets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("table_id", sa.Integer, sa.ForeignKey("rate_tables.id", ondelete="CASCADE"), nullable=False),
        sa.Column("max_grams", sa.Integer),
        sa.Column("amount_minor", sa.Integer, nullable=False),
        sa.Column("extra_per_kg_minor", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("amount_minor >= 0 AND extra_per_kg_minor >= 0",
                           name="ck_rate_brackets_amounts_nonnegative"),
    )
    op.create_index("ix_rate_brackets_table_id", "rate_brackets", ["table_id"])
    for table_id, (zone, level, method, eta, flat, rows) in enumerate(DEFAULT_RATES, start=1):
        op.bulk_insert(tables, [{"id": table_id, "zone": zone, "service_level": level, "method": method,
                                 "currency": "USD", "eta_days": eta, "flat_amount_minor": flat}])
        if rows:
            op.bulk_insert(brackets, [{"table_id": table_id, "max_grams": m, "amount_minor": a,
                                       "extra_per_kg_minor": x} for m, a, x in rows])
    op.execute(f"SELECT setval(pg_get_serial_sequence('rate_tables', 'id'), {len(DEFAULT_RATES)})")


def _shipments() -> None:
    op.create_table(
        "shipments",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("tracking_no", sa.String(32), nullable=False),
        sa.Column("order_no", sa.String(64), nullable=False),
        sa.Column("vendor_id", UUID, nullable=False),
        sa.Column("carrier", sa.String(64), nullable=False),
        sa.Column("service_level", sa.String(16), nullable=False),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("destination_country", sa.String(2)),
        sa.Column("destination_postal_code", sa.String(20)),
        sa.Column("destination_city", sa.String(120)),
        sa.Column("eta_days", sa.Integer, nullable=False),
        sa.Column("promised_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("delivered_at", nullable=True),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("updated_at"),
        sa.UniqueConstraint("tracking_no", name="uq_shipments_tracking_no"),
        sa.UniqueConstraint("order_no", "vendor_id", name="uq_shipments_order_no_vendor_id"),
        sa.CheckConstraint("status IN ('label_created', 'in_transit', 'out_for_delivery', 'delivered', "
                           "'exception')", name="ck_shipments_status_known"),
    )
    op.create_index("ix_shipments_order_no", "shipments", ["order_no"])
    op.create_index("ix_shipments_vendor_id", "shipments", ["vendor_id"])
    op.create_table(
        "tracking_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("shipment_id", UUID, sa.ForeignKey("shipments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("recorded_at"),
    )
    op.create_index("ix_tracking_events_shipment_id", "tracking_events", ["shipment_id"])


def upgrade() -> None:
    _rate_tables()
    _shipments()
    op.create_table(
        "order_projection",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("vendor_ids", pg.ARRAY(sa.String(64)), nullable=False, server_default="{}"),
        sa.Column("country", sa.String(2)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("city", sa.String(120)),
        _timestamp("updated_at"),
    )
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("order_projection")
    op.drop_table("tracking_events")
    op.drop_table("shipments")
    op.drop_table("rate_brackets")
    op.drop_table("rate_tables")
