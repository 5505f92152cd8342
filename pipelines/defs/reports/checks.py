"""The four alert checks: what the warehouse shows now against the thresholds, and the cooldown that makes one
incident one mail. Each check takes the previous state (the sensor's cursor) and returns a Verdict with the new
state; an Incident only when a mail is due.

Windowed alerts (payment failures, 5xx, fraud rate) stay quiet for `cooldown_minutes` after raising, whether the
condition lasts or flaps. Low stock is per SKU: a SKU is reported once per `low_stock_cooldown_hours`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pipelines.defs.reports.resources import AlertThresholds
from warehouse.metrics import alerts as q

MAX_DETAILS = 20


@dataclass(frozen=True)
class Incident:
    alert: str
    incident_id: str
    title: str
    summary: str
    window_minutes: int
    raised_at: datetime
    details: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def event_data(self) -> dict[str, Any]:
        return {"alert": self.alert, "incidentId": self.incident_id, "title": self.title, "summary": self.summary,
                "details": self.details[:50], "facts": self.facts, "windowMinutes": self.window_minutes,
                "raisedAt": self.raised_at}


@dataclass(frozen=True)
class Verdict:
    reason: str
    state: dict[str, Any]
    incident: Incident | None = None


def pct(rate: float) -> str:
    return f"{rate * 100:.1f} %"


def _incident_id(alert: str, now: datetime) -> str:
    return f"{alert.replace('_', '-')}-{now:%Y%m%d%H%M}-{uuid.uuid4().hex[:4]}"


def _threshold(floor: float, factor: float, baseline: q.Ratio, min_total: int) -> float:
    """The rate that alerts: the floor, or `factor` times the baseline when the baseline has enough samples to
    mean something; never above 100 % (an always-bad baseline must not silence the alert for good)."""
    relative = factor * baseline.rate if baseline.total >= min_total else 0.0
    return min(1.0, max(floor, relative))


def _against_baseline(query, client, now: datetime, window: timedelta, baseline_span: timedelta, floor: float,
                      factor: float, min_total: int) -> tuple[q.Ratio, q.Ratio, float]:
    """(the window's ratio, the baseline span's ratio before it, the rate that alerts)."""
    current = query(client, now - window, now)
    baseline = query(client, now - window - baseline_span, now - window)
    return current, baseline, _threshold(floor, factor, baseline, min_total)


def _quiet(state: dict[str, Any], now: datetime, t: AlertThresholds) -> str | None:
    """The incident still inside its cooldown, if any."""
    raised = state.get("raised_at")
    if raised and now - datetime.fromisoformat(raised) < timedelta(minutes=t.cooldown_minutes):
        return state.get("incident")
    return None


def _windowed(alert: str, firing: bool, reason: str, state: dict[str, Any], now: datetime, t: AlertThresholds,
              make: Any) -> Verdict:
    if not firing:
        return Verdict(reason, state)
    if (open_incident := _quiet(state, now, t)) is not None:
        return Verdict(f"{reason}; incident {open_incident} is in its cooldown", state)
    incident = make(_incident_id(alert, now))
    return Verdict(f"raised {incident.incident_id}: {reason}", {"incident": incident.incident_id,
                                                              "raised_at": now.isoformat()}, incident)


def payment_failures(client, t: AlertThresholds, now: datetime, state: dict[str, Any]) -> Verdict:
    window = timedelta(minutes=t.payment_window_minutes)
    current, baseline, threshold = _against_baseline(
        q.payment_outcomes, client, now, window, timedelta(hours=t.payment_baseline_hours),
        t.payment_failure_rate, t.payment_spike_factor, t.payment_min_failures)
    firing = current.hits >= t.payment_min_failures and current.rate >= threshold
    reason = (f"{current.hits} of {current.total} payment attempts failed ({pct(current.rate)}) in "
              f"{t.payment_window_minutes} min; threshold {pct(threshold)}, baseline {pct(baseline.rate)}")

    def make(incident_id: str) -> Incident:
        reasons = q.payment_failure_reasons(client, now - window, now)
        return Incident("payment_failures", incident_id, "Payment failure spike", reason,
                        t.payment_window_minutes, now, [f"{r}: {n}" for r, n in reasons],
                        {"failed": current.hits, "attempts": current.total, "failureRate": pct(current.rate),
                         "baselineRate": pct(baseline.rate), "baselineHours": t.payment_baseline_hours,
                         "threshold": pct(threshold), "cooldownMinutes": t.cooldown_minutes})

    return _windowed("payment_failures", firing, reason, state, now, t, make)


def server_errors(client, t: AlertThresholds, now: datetime, state: dict[str, Any]) -> Verdict:
    groups = q.server_errors(client, now - timedelta(minutes=t.server_errors_window_minutes), now)
    total = sum(int(g["n"]) for g in groups)
    firing = total >= t.server_errors_min
    reason = (f"{total} gateway 5xx answers in {t.server_errors_window_minutes} min "
              f"(threshold {t.server_errors_min})")

    def make(incident_id: str) -> Incident:
        details = [f"{g['status']} {g['method']} {g['path']}: {g['n']}" for g in groups[:MAX_DETAILS]]
        return Incident("server_errors", incident_id, "5xx burst at the gateway", reason,
                        t.server_errors_window_minutes, now, details,
                        {"errors": total, "threshold": t.server_errors_min, "cooldownMinutes": t.cooldown_minutes})

    return _windowed("server_errors", firing, reason, state, now, t, make)


def fraud_rate(client, t: AlertThresholds, now: datetime, state: dict[str, Any]) -> Verdict:
    window = timedelta(minutes=t.fraud_window_minutes)
    current, baseline, threshold = _against_baseline(
        q.fraud_flags, client, now, window, timedelta(days=t.fraud_baseline_days),
        t.fraud_flag_rate, t.fraud_rise_factor, t.fraud_min_scored)
    firing = current.total >= t.fraud_min_scored and current.rate >= threshold
    reason = (f"{current.hits} of {current.total} scored orders flagged for review or reject ({pct(current.rate)}) "
              f"in {t.fraud_window_minutes} min; threshold {pct(threshold)}, baseline {pct(baseline.rate)}")

    def make(incident_id: str) -> Incident:
        return Incident("fraud_rate", incident_id, "Fraud-flag rate rising", reason, t.fraud_window_minutes, now, [],
                        {"flagged": current.hits, "scored": current.total, "flagRate": pct(current.rate),
                         "baselineRate": pct(baseline.rate), "baselineDays": t.fraud_baseline_days,
                         "threshold": pct(threshold), "cooldownMinutes": t.cooldown_minutes})

    return _windowed("fraud_rate", firing, reason, state, now, t, make)


def low_stock(client, t: AlertThresholds, now: datetime, state: dict[str, Any]) -> Verdict:
    keep_for = timedelta(hours=t.low_stock_cooldown_hours)
    reported = {sku: at for sku, at in (state.get("skus") or {}).items()
                if now - datetime.fromisoformat(at) < keep_for}
    low = q.low_stock(client, since=now - timedelta(hours=t.low_stock_lookback_hours))
    new = [row for row in low if row["sku"] not in reported]
    reason = f"{len(low)} SKUs under their reorder point, {len(new)} not reported in {t.low_stock_cooldown_hours} h"
    if len(new) < t.low_stock_min_skus:
        return Verdict(reason, {"skus": reported})
    incident_id = _incident_id("low_stock", now)
    details = [f"{r['title'] or r['sku']} ({r['sku']}) from {r['vendor'] or 'unknown vendor'}: "
               f"{r['available']} available, reorder point {r['reorder_point']}" for r in new[:MAX_DETAILS]]
    if len(new) > MAX_DETAILS:
        details.append(f"... and {len(new) - MAX_DETAILS} more")
    incident = Incident("low_stock", incident_id, "Low stock", reason, 60, now, details,
                        {"newSkus": len(new), "lowSkus": len(low), "cooldownMinutes": t.low_stock_cooldown_hours * 60})
    return Verdict(f"raised {incident_id}: {reason}",
                   {"skus": {**reported, **{r["sku"]: now.isoformat() for r in new}}}, incident)
