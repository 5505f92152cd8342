"""Chart.js configurations for the back office's analytics: one builder per chart, from the rows of one
`GET /v1/admin/analytics/{metric}` answer. Money arrives in minor units and is plotted in major units (display
only); names come from the API (the backoffice service adds them from the warehouse's dimensions)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PALETTE = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b", "#6d4c41", "#3949ab"]


def _major(v: Any) -> float:
    return round(int(v or 0) / 100, 2)


def _ds(label: str, values: list, n: int, **extra: Any) -> dict:
    return {"label": label, "data": values, "backgroundColor": PALETTE[n % len(PALETTE)],
            "borderColor": PALETTE[n % len(PALETTE)], **extra}


def _options(*, y_title: str = "", horizontal: bool = False, stacked: bool = False, percent: bool = False,
             y2_title: str = "") -> dict:
    value_axis = "x" if horizontal else "y"
    scales: dict[str, Any] = {value_axis: {"beginAtZero": True, "stacked": stacked,
                                           "title": {"display": bool(y_title), "text": y_title}},
                              ("y" if horizontal else "x"): {"stacked": stacked}}
    if percent:
        scales[value_axis]["max"] = 100
    if y2_title:
        scales["y2"] = {"beginAtZero": True, "position": "right", "grid": {"drawOnChartArea": False},
                        "title": {"display": True, "text": y2_title}}
    return {"responsive": True, "maintainAspectRatio": False, "indexAxis": "y" if horizontal else "x",
            "plugins": {"legend": {"position": "bottom"}}, "scales": scales}


def gmv(rows: list[dict]) -> dict:
    days = [r["day"] for r in rows]
    return {"type": "bar", "data": {"labels": days, "datasets": [
        _ds("GMV (USD)", [_major(r["gmv_minor"]) for r in rows], 0, yAxisID="y"),
        _ds("AOV (USD)", [_major(r["aov_minor"]) for r in rows], 2, type="line", yAxisID="y2", tension=0.2)]},
        "options": _options(y_title="GMV (USD)", y2_title="AOV (USD)")}


def orders_per_day(rows: list[dict]) -> dict:
    return {"type": "line", "data": {"labels": [r["day"] for r in rows], "datasets": [
        _ds("Placed", [r["placed"] for r in rows], 0, tension=0.2),
        _ds("Paid", [r["paid"] for r in rows], 1, tension=0.2),
        _ds("Cancelled", [r["cancelled"] for r in rows], 4, tension=0.2)]},
        "options": _options(y_title="orders")}


def conversion_rate(rows: list[dict]) -> dict:
    return {"type": "line", "data": {"labels": [r["day"] for r in rows], "datasets": [
        _ds("Conversion (%)", [round(float(r["conversion"] or 0) * 100, 2) for r in rows], 3, tension=0.2,
            fill=False)]}, "options": _options(y_title="% of viewers who paid")}


def vendor_earnings(rows: list[dict]) -> dict:
    top = rows[:12]
    labels = [r.get("vendor") or r["vendor_id"][:8] for r in top]
    parts = [("Pending", "earnings_pending_minor"), ("Eligible", "earnings_eligible_minor"),
             ("Paid out", "earnings_paid_minor"), ("Payouts open", "payouts_open_minor")]
    return {"type": "bar", "data": {"labels": labels, "datasets": [
        _ds(label, [_major(r[col]) for r in top], n) for n, (label, col) in enumerate(parts)]},
        "options": _options(y_title="USD", horizontal=True)}


def top_categories(rows: list[dict]) -> dict:
    return {"type": "bar", "data": {"labels": [r.get("category") or r["category_id"][:8] for r in rows],
                                    "datasets": [_ds("Revenue (USD)", [_major(r["revenue_minor"]) for r in rows], 0)]},
            "options": _options(y_title="USD", horizontal=True)}


def top_products(rows: list[dict]) -> dict:
    top = rows[:12]
    return {"type": "bar", "data": {"labels": [(r.get("title") or r["product_id"][:8])[:40] for r in top],
                                    "datasets": [_ds("Revenue (USD)", [_major(r["revenue_minor"]) for r in top], 1)]},
            "options": _options(y_title="USD", horizontal=True)}


def low_stock(rows: list[dict]) -> dict:
    top = rows[:15]
    return {"type": "bar", "data": {"labels": [r["sku"] for r in top], "datasets": [
        _ds("Available", [r["available"] for r in top], 4),
        _ds("Reorder point", [r["reorder_point"] for r in top], 6)]},
        "options": _options(y_title="units", horizontal=True)}


def refund_rate(rows: list[dict]) -> dict:
    r = rows[0] if rows else {"gmv_minor": 0, "refunded_minor": 0}
    kept = max(int(r["gmv_minor"] or 0) - int(r["refunded_minor"] or 0), 0)
    return {"type": "doughnut", "data": {"labels": ["Kept (USD)", "Refunded (USD)"], "datasets": [
        {"label": "USD", "data": [_major(kept), _major(r["refunded_minor"])], "backgroundColor": [PALETTE[1],
                                                                                                  PALETTE[4]]}]},
        "options": {"responsive": True, "maintainAspectRatio": False, "plugins": {"legend": {"position": "bottom"}}}}


def on_time_delivery(rows: list[dict]) -> dict:
    top = [r for r in rows if r.get("vendor_id")][:12]
    return {"type": "bar", "data": {"labels": [r.get("vendor") or r["vendor_id"][:8] for r in top], "datasets": [
        _ds("On time (%)", [round(float(r["on_time_rate"] or 0) * 100, 1) for r in top], 5)]},
        "options": _options(y_title="% delivered on time", horizontal=True, percent=True)}


@dataclass(frozen=True)
class ChartSpec:
    metric: str
    title: str
    build: Callable[[list[dict]], dict]
    table: tuple[str, ...] = ()  # columns also shown as a table under the chart (for lists people act on)


CHARTS: dict[str, ChartSpec] = {c.metric: c for c in [
    ChartSpec("gmv", "GMV and AOV per day", gmv),
    ChartSpec("orders_per_day", "Orders per day", orders_per_day),
    ChartSpec("conversion_rate", "Conversion: viewers who paid", conversion_rate),
    ChartSpec("refund_rate", "Refund rate", refund_rate),
    ChartSpec("vendor_earnings", "Vendor earnings and payout status", vendor_earnings),
    ChartSpec("on_time_delivery", "On-time delivery by vendor", on_time_delivery),
    ChartSpec("top_categories", "Top categories by revenue", top_categories),
    ChartSpec("top_products", "Top products by revenue", top_products),
    ChartSpec("low_stock", "Low stock", low_stock, table=("sku", "vendor", "available", "reorder_point")),
]}
