"""Showcase: scheduled reports and alerts through the public API — the notification templates they use, and the
report and alert mails the notification service queued and sent (recipient, status, subject). The Dagster side
(daily_report_schedule, the four *_alert sensors) is listed with the commands that show and run it."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from mkt.showcase_auth import staff_headers

KEYS = ("daily_summary", "vendor_daily_summary", "alert_payment_failures", "alert_low_stock", "alert_server_errors",
        "alert_fraud_rate")
COMMANDS = (
    ("list the schedule and sensors",
     "DAGSTER_HOME=$PWD/dagster_home .venv/bin/dagster schedule list -m pipelines.definitions && "
     "DAGSTER_HOME=$PWD/dagster_home .venv/bin/dagster sensor list -m pipelines.definitions"),
    ("report of a day, now (mails the operator and every vendor active that day)",
     "DAGSTER_HOME=$PWD/dagster_home .venv/bin/python -c \"from pipelines.definitions import defs; from dagster import "
     "DagsterInstance; defs.resolve_job_def('daily_report_job').execute_in_process(partition_key='YYYY-MM-DD', "
     "instance=DagsterInstance.get())\""),
    ("turn them on", "DAGSTER_HOME=$PWD/dagster_home .venv/bin/dagster schedule start -m pipelines.definitions "
                     "daily_report_schedule; … sensor start … payment_failures_alert low_stock_alert "
                     "server_errors_alert fraud_rate_alert"),
)


def _templates(http: httpx.Client, staff: dict, console: Console) -> None:
    resp = http.get("/v1/admin/templates", params={"channel": "email"}, headers=staff)
    if resp.status_code != 200:
        console.print(f"[yellow]templates: {resp.status_code} {resp.text[:200]}[/]")
        return
    table = Table(title="Report and alert templates (notifications, editable in the back office)")
    for col in ("key", "subject", "placeholders"):
        table.add_column(col, overflow="fold")
    for t in resp.json()["items"]:
        if t["key"] in KEYS:
            table.add_row(t["key"], t["subject"], ", ".join(t["placeholders"]))
    console.print(table)


def _messages(http: httpx.Client, staff: dict, console: Console) -> None:
    found: list[dict] = []
    for page in range(1, 6):  # the newest 500 messages are enough to find today's reports and alerts
        resp = http.get("/v1/notify/messages", params={"page": page, "perPage": 100}, headers=staff)
        if resp.status_code != 200:
            break
        items = resp.json()["items"]
        found += [m for m in items if m["templateKey"] in KEYS]
        if len(items) < 100:
            break
    if not found:
        console.print("[dim]no report or alert mail yet: run the daily report job or start the sensors "
                      "(commands below)[/]")
        return
    table = Table(title=f"Report and alert mails ({len(found)} newest)")
    for col in ("template", "to", "status", "subject", "created"):
        table.add_column(col, overflow="fold")
    for m in found[:15]:
        table.add_row(m["templateKey"], m.get("recipient") or m["recipientKind"], m["status"], m.get("subject") or "",
                      m["createdAt"][:19])
    console.print(table)


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        staff = staff_headers(http, console)
        if staff is None:
            return
        _templates(http, staff, console)
        _messages(http, staff, console)
    table = Table(title="Dagster: daily_report_schedule (06:00 UTC, the day before) and four alert sensors")
    table.add_column("what")
    table.add_column("command", overflow="fold")
    for what, command in COMMANDS:
        table.add_row(what, command)
    console.print(table)
    console.print("Mails land in the SMTP sink: .stack/smtp/mail/*.eml (operator: NOTIFICATIONS_OPERATOR_EMAIL, "
                  "default ops@marketplace.local; vendors: their support address).")
