"""Operations events (topic ops.v1): what the platform itself observed or produced, not a commerce domain.

- `gateway.server_error`: the gateway answered a request with a 5xx (its own problem or an upstream's, passed
  through). Key = the service the path belongs to. Nothing else recorded 5xx outside log lines, and the
  "5xx burst" alert needs them in the warehouse; the path is the URL path only (no query string: it may hold PII).
- `alert.raised`: a Dagster alert sensor found an incident (payment failure spike, low stock, 5xx burst, fraud-rate
  rise). One incident is one event: the sensor's cooldown keeps a lasting condition from re-raising every tick.
  Key = the alert name. Notifications mails it to the operator with the `alert_<alert>` template.
- `report.generated`: the daily report job produced a summary: the executive one (audience operator) or one
  vendor's (audience vendor, vendorId set). `figures` holds display-ready values (money already formatted) that
  the `daily_summary` / `vendor_daily_summary` templates name as placeholders. Key = the vendor id or "executive".
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import OPS

AlertName = Literal["payment_failures", "low_stock", "server_errors", "fraud_rate"]
Figure = str | int | float | None


class ServerErrorRecorded(Payload):
    method: str = Field(max_length=10)
    path: str = Field(max_length=300)
    status: int = Field(ge=500, le=599)
    service: str | None = Field(None, max_length=40)
    latency_ms: float = Field(alias="latencyMs", ge=0)
    at: datetime


class AlertRaised(Payload):
    alert: AlertName
    incident_id: str = Field(alias="incidentId", max_length=64)
    title: str = Field(max_length=200)
    summary: str = Field(max_length=1000)
    # One line per offending item (SKU, route, ...), already readable (names, not ids); at most 50.
    details: list[str] = Field(default_factory=list, max_length=50)
    facts: dict[str, Figure] = Field(default_factory=dict)
    window_minutes: int = Field(alias="windowMinutes", ge=1)
    raised_at: datetime = Field(alias="raisedAt")


class ReportGenerated(Payload):
    report: Literal["daily_summary", "vendor_daily_summary"]
    audience: Literal["operator", "vendor"]
    report_date: date = Field(alias="reportDate")
    vendor_id: str | None = Field(None, alias="vendorId", max_length=64)
    figures: dict[str, Figure] = Field(default_factory=dict)
    generated_at: datetime = Field(alias="generatedAt")


CONTRACTS: tuple[Contract, ...] = (
    Contract("gateway.server_error", 1, OPS, ServerErrorRecorded),
    Contract("alert.raised", 1, OPS, AlertRaised),
    Contract("report.generated", 1, OPS, ReportGenerated),
)
