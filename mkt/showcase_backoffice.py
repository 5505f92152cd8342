"""Showcase: the back office through the public API, as its web pages (/admin) read it — what waits for a super
admin, the last 30 days in figures with names (not ids), vendor earnings and payout status, on-time delivery,
shipping rate tables and feature flags."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from mkt.showcase_auth import staff_headers

QUEUES = (("Vendors to approve", "/v1/admin/vendors", {"status": "pending"}),
          ("Products to approve", "/v1/admin/products", {"status": "pending"}),
          ("Returns requested", "/v1/admin/returns", {"status": "requested"}),
          ("Payouts requested", "/v1/admin/payouts", {"status": "requested"}),
          ("Paid orders to ship", "/v1/admin/orders", {"status": "processing", "paymentStatus": "paid"}))


def _money(minor) -> str:
    return f"{int(minor or 0) / 100:,.2f}"


def _metric(http: httpx.Client, headers: dict, name: str, days: int = 30) -> list[dict]:
    resp = http.get(f"/v1/admin/analytics/{name}", params={"days": days}, headers=headers)
    return resp.json()["rows"] if resp.status_code == 200 else []


def _queues(http: httpx.Client, console: Console, headers: dict) -> None:
    table = Table(title="Waiting in the back office")
    table.add_column("queue")
    table.add_column("count", justify="right")
    for title, path, params in QUEUES:
        resp = http.get(path, params={**params, "perPage": 1}, headers=headers)
        table.add_row(title, str(resp.json()["total"]) if resp.status_code == 200 else f"HTTP {resp.status_code}")
    console.print(table)


def _figures(http: httpx.Client, console: Console, headers: dict) -> None:
    summary = (_metric(http, headers, "summary") or [{}])[0]
    refunds = (_metric(http, headers, "refund_rate") or [{}])[0]
    console.print(f"last 30 days: GMV {_money(summary.get('gmv_minor'))} USD over {summary.get('orders', 0)} paid "
                  f"orders, AOV {_money(summary.get('aov_minor'))}, refund rate "
                  f"{float(refunds.get('refund_rate') or 0) * 100:.2f} %")
    cats = Table(title="Top categories (30 days)")
    for col in ("category", "revenue", "units"):
        cats.add_column(col, justify="left" if col == "category" else "right")
    for r in _metric(http, headers, "top_categories")[:5]:
        cats.add_row(r.get("category") or r["category_id"], _money(r["revenue_minor"]), str(r["units"]))
    console.print(cats)
    earn = Table(title="Vendor earnings and payout status (30 days, top 5 by net)")
    for col in ("vendor", "net", "pending", "eligible", "paid out", "payouts open"):
        earn.add_column(col, justify="left" if col == "vendor" else "right")
    for r in _metric(http, headers, "vendor_earnings")[:5]:
        earn.add_row(r.get("vendor") or r["vendor_id"], *(_money(r[c]) for c in (
            "net_minor", "earnings_pending_minor", "earnings_eligible_minor", "earnings_paid_minor",
            "payouts_open_minor")))
    console.print(earn)
    late = sorted((r for r in _metric(http, headers, "on_time_delivery") if r.get("vendor_id")),
                  key=lambda r: r["on_time_rate"])[:3]
    if late:
        console.print("least punctual vendors: " + ", ".join(
            f"{r.get('vendor') or r['vendor_id']} {float(r['on_time_rate']) * 100:.0f} % on time" for r in late))


def _settings(http: httpx.Client, console: Console, headers: dict) -> None:
    rates = http.get("/v1/admin/shipping/rates", headers=headers)
    if rates.status_code == 200:
        table = Table(title="Shipping rate tables (GET /v1/admin/shipping/rates)")
        for col in ("zone", "service", "days", "prices"):
            table.add_column(col)
        for t in rates.json()["items"]:
            prices = _money(t["flatAmountMinor"]) + " flat" if t["method"] == "flat" else ", ".join(
                f"≤{b['maxGrams']} g {_money(b['amountMinor'])}" if b["maxGrams"] else
                f"heavier {_money(b['amountMinor'])} +{_money(b['extraPerKgMinor'])}/kg" for b in t["brackets"])
            table.add_row(t["zone"], t["serviceLevel"], str(t["etaDays"]), prices)
        console.print(table)
    flags = http.get("/v1/admin/feature-flags", headers=headers)
    if flags.status_code == 200:
        console.print("feature flags (the site's run-time settings): " + ", ".join(
            f"{f['key']}={'on' if f['enabled'] else 'off'}" for f in flags.json()["items"]))


def show(base_url: str, console: Console) -> None:
    console.rule("Back office (web: /admin)")
    with httpx.Client(base_url=base_url, timeout=30) as http:
        headers = staff_headers(http, console)
        if headers is None:
            return
        _queues(http, console, headers)
        _figures(http, console, headers)
        _settings(http, console, headers)
    console.print(f"open {base_url.rstrip('/')}/admin as the demo admin to work these queues in the browser")
