"""The daily report's figures, from the warehouse, with the same metric definitions as the analytics API.

The executive summary reuses warehouse.metrics.analytics' metrics (summary, conversion_rate, refund_rate, on_time_delivery)
so a figure in the mail equals the one the back office and Superset show for the same window. The per-vendor
summary is one query here (those metrics answer one vendor at a time); vendors are named from dim_vendors, never
by id. Money stays in minor units until `display_figures` formats it for a template.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from warehouse.metrics.analytics import PAID, run_metric
from kernel.money import Money

# Per vendor, paid orders placed in the window: orders, gross, commission, net; deliveries in the window and how
# many were on time; orders of theirs refunded in the window; SKUs of theirs under the reorder point now.
VENDOR_DAILY_SQL = f"""
WITH sales AS (
         SELECT vendor_id, uniqExact(order_no) AS orders, sum(gross_minor) AS gross_minor,
                sum(commission_minor) AS commission_minor, sum(net_minor) AS net_minor
         FROM vendor_splits FINAL
         WHERE {PAID} AND created_at >= {{since:DateTime64(3, 'UTC')}} AND created_at < {{until:DateTime64(3, 'UTC')}}
         GROUP BY vendor_id),
     delivered AS (
         SELECT vendor_id, count() AS delivered, countIf(late = 0) AS on_time
         FROM deliveries FINAL
         WHERE delivered_at >= {{since:DateTime64(3, 'UTC')}} AND delivered_at < {{until:DateTime64(3, 'UTC')}}
         GROUP BY vendor_id),
     refunded AS (
         SELECT s.vendor_id AS vendor_id, uniqExact(r.order_no) AS refunded_orders
         FROM (SELECT order_no FROM refunds FINAL
               WHERE at >= {{since:DateTime64(3, 'UTC')}} AND at < {{until:DateTime64(3, 'UTC')}}) AS r
         INNER JOIN (SELECT DISTINCT order_no, vendor_id FROM vendor_splits) AS s ON s.order_no = r.order_no
         GROUP BY s.vendor_id),
     low AS (
         SELECT vendor_id, count() AS low_stock_skus
         FROM (SELECT sku, argMax(vendor_id, at) AS vendor_id, argMax(available, at) AS available,
                      argMax(reorder_point, at) AS reorder_point
               FROM inventory_movements FINAL WHERE kind IN ('adjusted', 'low_stock') GROUP BY sku)
         WHERE available < reorder_point GROUP BY vendor_id),
     active AS (
         SELECT vendor_id FROM sales UNION DISTINCT SELECT vendor_id FROM delivered
         UNION DISTINCT SELECT vendor_id FROM refunded)
SELECT a.vendor_id AS vendor_id, ifNull(v.name, '') AS vendor, ifNull(s.orders, 0) AS orders,
       ifNull(s.gross_minor, 0) AS gross_minor, ifNull(s.commission_minor, 0) AS commission_minor,
       ifNull(s.net_minor, 0) AS net_minor, ifNull(d.delivered, 0) AS delivered, ifNull(d.on_time, 0) AS on_time,
       ifNull(r.refunded_orders, 0) AS refunded_orders, ifNull(l.low_stock_skus, 0) AS low_stock_skus
FROM active AS a
LEFT JOIN sales AS s ON s.vendor_id = a.vendor_id
LEFT JOIN delivered AS d ON d.vendor_id = a.vendor_id
LEFT JOIN refunded AS r ON r.vendor_id = a.vendor_id
LEFT JOIN low AS l ON l.vendor_id = a.vendor_id
LEFT JOIN (SELECT vendor_id, argMax(name, updated_at) AS name FROM dim_vendors GROUP BY vendor_id) AS v
     ON v.vendor_id = a.vendor_id
WHERE a.vendor_id != ''
ORDER BY gross_minor DESC, vendor"""

CURRENCY_SQL = f"""SELECT currency FROM orders FINAL WHERE {PAID}
    AND created_at >= {{since:DateTime64(3, 'UTC')}} AND created_at < {{until:DateTime64(3, 'UTC')}}
    GROUP BY currency ORDER BY count() DESC LIMIT 1"""


# The notification service cuts any one placeholder value at 2,000 characters: stay under it.
MAX_VENDOR_LINES_CHARS = 1_900


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class VendorSummary:
    vendor_id: str
    vendor: str  # the name from dim_vendors ("" when the warehouse has not seen the vendor's events)
    orders: int
    gross_minor: int
    commission_minor: int
    net_minor: int
    delivered: int
    on_time: int
    refunded_orders: int
    low_stock_skus: int

    @property
    def aov_minor(self) -> int:
        return round(self.gross_minor / self.orders) if self.orders else 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.delivered)


@dataclass(frozen=True)
class DailyReport:
    since: datetime
    until: datetime
    currency: str
    orders: int
    gmv_minor: int
    aov_minor: int
    viewers: int
    buyers: int
    refunded_minor: int
    refunded_orders: int
    delivered: int
    on_time: int
    vendors: list[VendorSummary] = field(default_factory=list)

    @property
    def conversion(self) -> float | None:
        return _rate(self.buyers, self.viewers)

    @property
    def refund_rate(self) -> float | None:
        return _rate(self.refunded_minor, self.gmv_minor)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.delivered)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "conversion": self.conversion, "refund_rate": self.refund_rate,
                "on_time_rate": self.on_time_rate}


def _one(client, name: str, since: datetime, until: datetime) -> dict[str, Any]:
    columns, rows = run_metric(client, name, since=since, until=until)
    return dict(zip(columns, rows[0])) if rows else {}


def daily_report(client, *, since: datetime, until: datetime) -> DailyReport:
    """Every figure of the report for [since, until). `client`: clickhouse-connect on the warehouse database."""
    window = {"since": since, "until": until}
    summary = _one(client, "summary", since, until)
    refunds = _one(client, "refund_rate", since, until)
    _, days = run_metric(client, "conversion_rate", since=since, until=until)  # (day, viewers, buyers, conversion)
    _, deliveries = run_metric(client, "on_time_delivery", since=since, until=until)  # per vendor
    currency = client.query(CURRENCY_SQL, parameters=window).result_rows
    vendors = client.query(VENDOR_DAILY_SQL, parameters=window)
    return DailyReport(
        since=since, until=until, currency=currency[0][0] if currency else "USD",
        orders=int(summary.get("orders") or 0), gmv_minor=int(summary.get("gmv_minor") or 0),
        aov_minor=int(summary.get("aov_minor") or 0),
        viewers=sum(int(d[1] or 0) for d in days), buyers=sum(int(d[2] or 0) for d in days),
        refunded_minor=int(refunds.get("refunded_minor") or 0),
        refunded_orders=int(refunds.get("refunded_orders") or 0),
        delivered=sum(int(r[1]) for r in deliveries), on_time=sum(int(r[2]) for r in deliveries),
        vendors=[VendorSummary(*(str(v) if i < 2 else int(v) for i, v in enumerate(row)))
                 for row in vendors.result_rows])


def money(amount_minor: int, currency: str) -> str:
    return f"{Money(int(amount_minor), currency).to_decimal():,} {currency}"


def pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f} %"


def vendor_line(v: VendorSummary, currency: str) -> str:
    name = v.vendor or "(unnamed vendor)"
    return (f"{name}: {v.orders} orders, GMV {money(v.gross_minor, currency)}, net {money(v.net_minor, currency)}, "
            f"on time {pct(v.on_time_rate)} of {v.delivered}, {v.refunded_orders} refunded")


def executive_figures(report: DailyReport, *, day: str, max_vendor_lines: int = 15) -> dict[str, Any]:
    """Placeholders of the `daily_summary` template. Vendor lines end in two spaces: a Markdown hard break."""
    c = report.currency
    lines: list[str] = []
    for v in report.vendors[:max_vendor_lines]:
        line = vendor_line(v, c)
        if sum(len(x) + 3 for x in lines) + len(line) > MAX_VENDOR_LINES_CHARS:
            break
        lines.append(line)
    if len(report.vendors) > len(lines):
        lines.append(f"... and {len(report.vendors) - len(lines)} more vendors")
    return {"day": day, "orders": report.orders, "gmv": money(report.gmv_minor, c),
            "aov": money(report.aov_minor, c), "conversion": pct(report.conversion), "viewers": report.viewers,
            "buyers": report.buyers, "refunded": money(report.refunded_minor, c),
            "refundRate": pct(report.refund_rate), "refundedOrders": report.refunded_orders,
            "onTime": pct(report.on_time_rate), "delivered": report.delivered,
            "vendorCount": len(report.vendors), "vendorLines": "  \n".join(lines) or "no vendor activity"}


def vendor_figures(v: VendorSummary, *, day: str, currency: str) -> dict[str, Any]:
    """Placeholders of the `vendor_daily_summary` template."""
    return {"day": day, "vendorName": v.vendor or "your shop", "orders": v.orders,
            "gmv": money(v.gross_minor, currency), "commission": money(v.commission_minor, currency),
            "net": money(v.net_minor, currency), "aov": money(v.aov_minor, currency),
            "delivered": v.delivered, "onTime": pct(v.on_time_rate), "refundedOrders": v.refunded_orders,
            "lowStockSkus": v.low_stock_skus}
