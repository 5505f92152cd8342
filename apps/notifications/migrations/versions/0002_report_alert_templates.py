"""notifications: templates of the daily report and the operational alerts (seeded; editable by admins)

Placeholders are filled from `report.generated` figures and `alert.raised` facts (kernel/contracts/ops.py,
pipelines/defs/reports). A key an admin already created is left as it is.

Revision ID: 0002
"""
import sqlalchemy as sa
from alembic import op

from kernel.ids import new_id_str

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FOOTER = ("Incident {{ incident }}, raised {{ raisedAt }} UTC. While it lasts, this alert stays quiet for "
           "{{ cooldownMinutes }} minutes.\n")

# key → (subject, Markdown body, plain-text body or None (= the body), description)
TEMPLATES = {
    "daily_summary": (
        "Marketplace daily report {{ day }}: GMV {{ gmv }}, {{ orders }} orders",
        "# Daily report — {{ day }} (UTC)\n\n"
        "- GMV: **{{ gmv }}**\n- Paid orders: **{{ orders }}**\n- Average order value: {{ aov }}\n"
        "- Conversion (buyers / viewers): {{ conversion }} ({{ buyers }} / {{ viewers }})\n"
        "- Refund rate: {{ refundRate }} ({{ refunded }}, {{ refundedOrders }} orders)\n"
        "- On-time delivery: {{ onTime }} of {{ delivered }} delivered\n\n"
        "## Vendors ({{ vendorCount }} active)\n\n{{ vendorLines }}\n",
        "Daily report - {{ day }} (UTC)\n\nGMV: {{ gmv }}\nPaid orders: {{ orders }}\nAverage order value: {{ aov }}\n"
        "Conversion (buyers / viewers): {{ conversion }} ({{ buyers }} / {{ viewers }})\n"
        "Refund rate: {{ refundRate }} ({{ refunded }}, {{ refundedOrders }} orders)\n"
        "On-time delivery: {{ onTime }} of {{ delivered }} delivered\n\n"
        "Vendors ({{ vendorCount }} active):\n{{ vendorLines }}\n",
        "Daily executive summary to the operator (report.generated, audience operator)."),
    "vendor_daily_summary": (
        "{{ vendorName }}: your day {{ day }} — {{ orders }} orders, {{ gmv }}",
        "Hello {{ vendorName }},\n\nYour sales on **{{ day }}** (UTC):\n\n"
        "- Paid orders: **{{ orders }}**, gross {{ gmv }} (average {{ aov }})\n"
        "- Commission {{ commission }}, net earnings **{{ net }}**\n"
        "- Delivered: {{ delivered }}, on time {{ onTime }}\n- Refunded orders: {{ refundedOrders }}\n"
        "- SKUs under their reorder point: {{ lowStockSkus }}\n",
        "Hello {{ vendorName }},\n\nYour sales on {{ day }} (UTC):\n\n"
        "Paid orders: {{ orders }}, gross {{ gmv }} (average {{ aov }})\n"
        "Commission {{ commission }}, net earnings {{ net }}\nDelivered: {{ delivered }}, on time {{ onTime }}\n"
        "Refunded orders: {{ refundedOrders }}\nSKUs under their reorder point: {{ lowStockSkus }}\n",
        "Daily summary to each vendor with activity (report.generated, audience vendor)."),
    "alert_payment_failures": (
        "[Alert] Payment failures: {{ failureRate }} failed in {{ windowMinutes }} min ({{ incident }})",
        "**{{ summary }}**\n\n- Failed attempts: {{ failed }} of {{ attempts }} ({{ failureRate }})\n"
        "- Baseline, previous {{ baselineHours }} h: {{ baselineRate }}\n- Alert threshold: {{ threshold }}\n\n"
        "Top decline reasons:  \n{{ details }}\n\n" + _FOOTER,
        None, "Operator alert: a spike of failed payments (alert.raised payment_failures)."),
    "alert_low_stock": (
        "[Alert] Low stock: {{ newSkus }} SKUs under their reorder point ({{ incident }})",
        "**{{ summary }}**\n\n{{ details }}\n\n" + _FOOTER,
        None, "Operator alert: SKUs newly under their reorder point (alert.raised low_stock)."),
    "alert_server_errors": (
        "[Alert] 5xx burst: {{ errors }} server errors in {{ windowMinutes }} min ({{ incident }})",
        "**{{ summary }}**\n\n- Server errors: {{ errors }} (threshold {{ threshold }})\n\n"
        "By status and route:  \n{{ details }}\n\n" + _FOOTER,
        None, "Operator alert: a burst of 5xx answers at the gateway (alert.raised server_errors)."),
    "alert_fraud_rate": (
        "[Alert] Fraud rate up: {{ flagRate }} of orders flagged in {{ windowMinutes }} min ({{ incident }})",
        "**{{ summary }}**\n\n- Flagged (review or reject): {{ flagged }} of {{ scored }} scored "
        "({{ flagRate }})\n- Baseline, previous {{ baselineDays }} days: {{ baselineRate }}\n"
        "- Alert threshold: {{ threshold }}\n\n" + _FOOTER,
        None, "Operator alert: a sudden rise of the fraud-flag rate (alert.raised fraud_rate)."),
}


def upgrade() -> None:
    insert = sa.text("INSERT INTO templates (id, key, channel, subject, body, text_body, description, is_active) "
                     "VALUES (CAST(:id AS uuid), :key, 'email', :subject, :body, :text, :description, true) "
                     "ON CONFLICT ON CONSTRAINT uq_templates_key_channel DO NOTHING")
    for key, (subject, body, text, description) in TEMPLATES.items():
        op.execute(insert.bindparams(id=new_id_str(), key=key, subject=subject, body=body, text=text,
                                     description=description))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM templates WHERE channel = 'email' AND key IN :keys")
               .bindparams(sa.bindparam("keys", tuple(TEMPLATES), expanding=True)))
