"""notifications: templates (seeded defaults), messages queue, contact projections, outbox, inbox

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from kernel.ids import new_id_str
from kernel.inbox import create_inbox, drop_inbox
from kernel.migrations import timestamp_column as _timestamp
from kernel.outbox import create_outbox, drop_outbox

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UUID = pg.UUID(as_uuid=False)

# key → (subject, Markdown body, plain-text body, description). Placeholders are filled by the consumers.
DEFAULT_TEMPLATES = {
    "order_confirmation": (
        "Your order {{ orderNo }} is confirmed",
        "Hi {{ name }},\n\nThank you for your order **{{ orderNo }}**.\n\n- Items: {{ itemCount }}\n"
        "- Total: **{{ total }}**\n\nWe will write again when it ships.\n",
        "Hi {{ name }},\n\nThank you for your order {{ orderNo }}.\n\nItems: {{ itemCount }}\nTotal: {{ total }}\n\n"
        "We will write again when it ships.\n",
        "To the shopper when an order is placed (order.created)."),
    "order_shipped": (
        "Your order {{ orderNo }} has shipped",
        "Hi {{ name }},\n\nPart of your order **{{ orderNo }}** is on its way with {{ carrier }} "
        "({{ serviceLevel }}), expected by {{ promisedAt }}.\n\nTracking number: `{{ trackingNo }}` — "
        "[follow your parcel]({{ trackingUrl }}).\n",
        "Hi {{ name }},\n\nPart of your order {{ orderNo }} is on its way with {{ carrier }} ({{ serviceLevel }}), "
        "expected by {{ promisedAt }}.\n\nTracking number: {{ trackingNo }}\nFollow it: {{ trackingUrl }}\n",
        "To the shopper when a vendor's label is created (shipping.label_created)."),
    "refund_issued": (
        "Your refund for order {{ orderNo }}",
        "Hi {{ name }},\n\nWe refunded **{{ amount }}** for order **{{ orderNo }}** ({{ reason }}).\n\n"
        "It can take 5–10 business days to appear on your statement.\n",
        "Hi {{ name }},\n\nWe refunded {{ amount }} for order {{ orderNo }} ({{ reason }}).\n\n"
        "It can take 5-10 business days to appear on your statement.\n",
        "To the shopper when a refund is issued (payment.refunded)."),
    "low_stock": (
        "Low stock: {{ sku }}",
        "Hello {{ name }},\n\nStock of **{{ sku }}** is down to **{{ available }}** available "
        "(reorder point {{ reorderPoint }}).\n\nRestock soon to keep selling it.\n",
        "Hello {{ name }},\n\nStock of {{ sku }} is down to {{ available }} available "
        "(reorder point {{ reorderPoint }}).\n\nRestock soon to keep selling it.\n",
        "To the vendor when a SKU crosses its reorder point (inventory.low_stock)."),
    "payout_processed": (
        "Payout {{ payoutId }}: {{ status }}",
        "Hello {{ name }},\n\nYour payout **{{ payoutId }}** of **{{ amount }}** is now *{{ status }}*.\n",
        "Hello {{ name }},\n\nYour payout {{ payoutId }} of {{ amount }} is now {{ status }}.\n",
        "To the vendor when a payout changes status (payout.processed)."),
    "password_reset": (
        "Reset your password",
        "Hi {{ name }},\n\nUse [this link]({{ link }}) within {{ ttlMinutes }} minutes to choose a new "
        "password.\n\nIf you did not ask for it, ignore this email.\n",
        "Hi {{ name }},\n\nUse this link within {{ ttlMinutes }} minutes to choose a new password:\n\n{{ link }}\n\n"
        "If you did not ask for it, ignore this email.\n",
        "To a user who asked to reset their password."),
}


def _templates() -> None:
    table = op.create_table(
        "templates",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("text_body", sa.Text),
        sa.Column("description", sa.String(500)),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.UniqueConstraint("key", "channel", name="uq_templates_key_channel"),
        sa.CheckConstraint("channel IN ('email', 'sms', 'push')", name="ck_templates_channel_known"),
    )
    op.bulk_insert(table, [{"id": new_id_str(), "key": key, "channel": "email", "subject": subject, "body": body,
                            "text_body": text, "description": description, "is_active": True}
                           for key, (subject, body, text, description) in DEFAULT_TEMPLATES.items()])


def _messages() -> None:
    op.create_table(
        "messages",
        sa.Column("id", UUID, primary_key=True),
        sa.Column("template_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient_kind", sa.String(8), nullable=False),
        sa.Column("recipient_ref", sa.String(320), nullable=False),
        sa.Column("recipient", sa.String(320)),
        sa.Column("payload", pg.JSONB, nullable=False, server_default="{}"),
        sa.Column("reference", sa.String(120)),
        sa.Column("source_event_type", sa.String(120)),
        sa.Column("subject", sa.String(400)),
        sa.Column("body_text", sa.Text),
        sa.Column("body_html", sa.Text),
        sa.Column("status", sa.String(8), nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(1000)),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        _timestamp("sent_at", nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name="ck_messages_status_known"),
        sa.CheckConstraint("recipient_kind IN ('email', 'user', 'order', 'vendor')",
                           name="ck_messages_recipient_kind_known"),
    )
    op.create_index("ix_messages_due", "messages", ["next_attempt_at"], postgresql_where=sa.text("status = 'queued'"))
    op.create_index("ix_messages_reference", "messages", ["reference"])


def upgrade() -> None:
    _templates()
    _messages()
    op.create_table(
        "order_contacts",
        sa.Column("order_no", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "vendor_contacts",
        sa.Column("vendor_id", sa.String(64), primary_key=True),
        sa.Column("owner_user_id", sa.String(64)),
        sa.Column("name", sa.String(200)),
        sa.Column("status", sa.String(16)),
        sa.Column("source_occurred_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_outbox(op)
    create_inbox(op)


def downgrade() -> None:
    drop_inbox(op)
    drop_outbox(op)
    op.drop_table("vendor_contacts")
    op.drop_table("order_contacts")
    op.drop_table("messages")
    op.drop_table("templates")
