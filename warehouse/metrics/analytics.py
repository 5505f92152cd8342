"""The product plan's analytics over the warehouse's typed tables (warehouse/migrations 0002+).

Definitions live here, beside the warehouse schema they read, because they are a contract shared by the CLI
report, the admin and vendor analytics endpoints, the daily report, the dashboards and the tests: one SQL per
metric, parameterised by a time window and, for the vendor slice, a vendor id. A paid order is one with an `order.paid` event; money is summed in minor units.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

PAID = "order_no IN (SELECT order_no FROM order_events WHERE event_type = 'order.paid')"
WINDOW = "{col} >= {{since:DateTime64(3, 'UTC')}} AND {col} < {{until:DateTime64(3, 'UTC')}}"


def in_window(col: str) -> str:
    """`col` within the query's [since, until) parameters."""
    return WINDOW.format(col=col)


_w = in_window


# A/B test of recommenders (flag reco_ab_test), per variant. Impressions are `ai.recommendation.served` responses
# (`served`, `items_served`; "none" when no A/B arm was assigned); a `recommendation.clicked` belongs to the variant
# the server recorded for its requestId, else to the variant the storefront sent, else to "unattributed" (clicks
# from before requests were logged, e.g. backfilled history: they have no impressions, so no CTR); a click converts
# when the same shopper's paid
# order holds the clicked product within 24 h after the click. Served events from a day before the window still
# attribute clicks inside it. ctr = clicks / served, conversion_rate = conversions / clicks.
RECO_AB_SQL = """
WITH served AS (
         SELECT JSONExtractString(data, 'requestId') AS request_id,
                JSONExtractString(data, 'userId') AS user_id,
                JSONExtractString(data, 'variant') AS raw_variant,
                if(raw_variant = '', 'none', raw_variant) AS variant,
                length(JSONExtractArrayRaw(data, 'items')) AS items, occurred_at AS at
         FROM events FINAL
         WHERE type = 'ai.recommendation.served'
               AND occurred_at >= {since:DateTime64(3, 'UTC')} - INTERVAL 1 DAY
               AND occurred_at < {until:DateTime64(3, 'UTC')}),
     clicks AS (
         SELECT c.event_id AS click_id, c.user_id AS user_id, c.product_id AS product_id, c.at AS at,
                if(s.request_id != '', s.variant, if(c.variant != '', c.variant, 'unattributed')) AS variant
         FROM (SELECT event_id, JSONExtractString(data, 'requestId') AS request_id,
                      if(JSONExtractString(data, 'userId') != '', JSONExtractString(data, 'userId'), actor_id)
                          AS user_id,
                      JSONExtractString(data, 'productId') AS product_id,
                      JSONExtractString(data, 'variant') AS variant, occurred_at AS at
               FROM events FINAL
               WHERE type = 'recommendation.clicked' AND occurred_at >= {since:DateTime64(3, 'UTC')}
                     AND occurred_at < {until:DateTime64(3, 'UTC')}) AS c
         LEFT JOIN (SELECT request_id, any(variant) AS variant FROM served WHERE request_id != ''
                    GROUP BY request_id) AS s ON s.request_id = c.request_id),
     converted AS (
         SELECT c.click_id AS click_id, any(c.variant) AS variant,
                max(p.created_at >= c.at AND p.created_at < c.at + INTERVAL 24 HOUR) AS converted
         FROM clicks AS c
         LEFT JOIN (SELECT user_id, product_id, created_at FROM order_items FINAL
                    WHERE order_no IN (SELECT order_no FROM order_events WHERE event_type = 'order.paid')
                          AND created_at >= {since:DateTime64(3, 'UTC')}
                          AND created_at < {until:DateTime64(3, 'UTC')} + INTERVAL 1 DAY) AS p
              ON p.user_id = c.user_id AND p.product_id = c.product_id
         GROUP BY c.click_id)
SELECT variant, served, shoppers, items_served, clicks, if(served > 0, round(clicks / served, 4), NULL) AS ctr,
       conversions, if(clicks > 0, round(conversions / clicks, 4), NULL) AS conversion_rate,
       if(served > 0, round(conversions / served, 4), NULL) AS conversions_per_served
FROM (SELECT variant, count() AS served, uniqExact(user_id) AS shoppers, sum(items) AS items_served
      FROM served WHERE at >= {since:DateTime64(3, 'UTC')} GROUP BY variant) AS i
FULL OUTER JOIN (SELECT variant, count() AS clicks, sum(converted) AS conversions FROM converted GROUP BY variant) AS k
     USING variant
ORDER BY variant"""


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    sql: str
    vendor_sql: str | None = None  # the same metric restricted to {vendor:String}; None: admin only


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("summary", "GMV, orders, AOV and refunds in the window",
           f"""SELECT count() AS orders, sum(total_minor) AS gmv_minor,
                      round(sum(total_minor) / greatest(count(), 1)) AS aov_minor,
                      (SELECT sum(amount_minor) FROM refunds FINAL WHERE {_w('at')}) AS refunds_minor
               FROM orders FINAL WHERE {PAID} AND {_w('created_at')}""",
           f"""SELECT uniqExact(order_no) AS orders, sum(gross_minor) AS gmv_minor,
                      round(sum(gross_minor) / greatest(uniqExact(order_no), 1)) AS aov_minor,
                      sum(net_minor) AS net_minor, sum(commission_minor) AS commission_minor
               FROM vendor_splits FINAL WHERE vendor_id = {{vendor:String}} AND {PAID} AND {_w('created_at')}"""),
    Metric("gmv", "GMV and AOV per day (paid orders)",
           f"""SELECT toDate(created_at) AS day, count() AS orders, sum(total_minor) AS gmv_minor,
                      round(avg(total_minor)) AS aov_minor
               FROM orders FINAL WHERE {PAID} AND {_w('created_at')} GROUP BY day ORDER BY day""",
           f"""SELECT toDate(created_at) AS day, uniqExact(order_no) AS orders, sum(gross_minor) AS gmv_minor,
                      sum(net_minor) AS net_minor
               FROM vendor_splits FINAL WHERE vendor_id = {{vendor:String}} AND {PAID} AND {_w('created_at')}
               GROUP BY day ORDER BY day"""),
    Metric("orders_per_day", "Orders placed, paid and cancelled per day",
           f"""SELECT toDate(created_at) AS day, count() AS placed, countIf({PAID}) AS paid,
                      countIf(order_no IN (SELECT order_no FROM order_events WHERE event_type = 'order.cancelled'))
                          AS cancelled
               FROM orders FINAL WHERE {_w('created_at')} GROUP BY day ORDER BY day"""),
    Metric("conversion_rate", "Shoppers who viewed a product vs shoppers who paid, per day",
           f"""SELECT day, viewers, buyers, round(buyers / greatest(viewers, 1), 4) AS conversion
               FROM (SELECT toDate(at) AS day, uniqExact(if(user_id != '', user_id, session_id)) AS viewers
                     FROM clickstream FINAL WHERE event_type = 'product.viewed' AND {_w('at')} GROUP BY day) v
               LEFT JOIN (SELECT toDate(created_at) AS day, uniqExact(user_id) AS buyers
                          FROM orders FINAL WHERE {PAID} AND {_w('created_at')} GROUP BY day) b USING day
               ORDER BY day"""),
    Metric("cohorts", "Customers by first-order month and months since (paid orders)",
           f"""SELECT cohort, months_since, uniqExact(user_id) AS customers
               FROM (SELECT user_id, toStartOfMonth(created_at) AS month,
                            min(toStartOfMonth(created_at)) OVER (PARTITION BY user_id) AS cohort,
                            dateDiff('month', cohort, month) AS months_since
                     FROM orders FINAL WHERE {PAID} AND {_w('created_at')})
               GROUP BY cohort, months_since ORDER BY cohort, months_since"""),
    Metric("repeat_rate", "Share of customers with two or more paid orders",
           f"""SELECT count() AS customers, countIf(n >= 2) AS repeat_customers,
                      round(countIf(n >= 2) / greatest(count(), 1), 4) AS repeat_rate
               FROM (SELECT user_id, count() AS n FROM orders FINAL WHERE {PAID} AND {_w('created_at')}
                     GROUP BY user_id)"""),
    Metric("vendor_earnings", "Per vendor: gross, commission, net of paid orders; earnings and payouts by status",
           f"""SELECT s.vendor_id AS vendor_id, any(v.name) AS vendor, sum(s.gross_minor) AS gross_minor,
                      sum(s.commission_minor) AS commission_minor, sum(s.net_minor) AS net_minor,
                      any(e.pending) AS earnings_pending_minor, any(e.eligible) AS earnings_eligible_minor,
                      any(e.paid) AS earnings_paid_minor, any(p.requested) AS payouts_open_minor
               FROM vendor_splits AS s FINAL
               LEFT JOIN (SELECT vendor_id, name FROM dim_vendors FINAL) AS v ON v.vendor_id = s.vendor_id
               LEFT JOIN (SELECT vendor_id, sumIf(net_minor, status = 'pending') AS pending,
                                 sumIf(net_minor, status = 'eligible') AS eligible,
                                 sumIf(net_minor, status = 'paid') AS paid
                          FROM vendor_earnings FINAL GROUP BY vendor_id) AS e ON e.vendor_id = s.vendor_id
               LEFT JOIN (SELECT vendor_id, sumIf(amount_minor, status IN ('requested', 'processing')) AS requested
                          FROM payouts FINAL GROUP BY vendor_id) AS p ON p.vendor_id = s.vendor_id
               WHERE {PAID.replace('order_no', 's.order_no', 1)} AND {_w('s.created_at')}
                     AND ({{vendor:String}} = '' OR s.vendor_id = {{vendor:String}})
               GROUP BY s.vendor_id ORDER BY net_minor DESC""",
           "SAME"),
    Metric("top_categories", "Revenue by category (paid orders)",
           f"""SELECT category_id, sum(line_total_minor - discount_minor) AS revenue_minor, sum(qty) AS units
               FROM order_items FINAL ARRAY JOIN category_ids AS category_id
               WHERE {PAID} AND {_w('created_at')} AND ({{vendor:String}} = '' OR vendor_id = {{vendor:String}})
               GROUP BY category_id ORDER BY revenue_minor DESC LIMIT 20""", "SAME"),
    Metric("top_products", "Revenue by product (paid orders)",
           f"""SELECT i.product_id AS product_id, any(p.title) AS title, sum(i.line_total_minor - i.discount_minor)
                          AS revenue_minor, sum(i.qty) AS units
               FROM order_items AS i FINAL
               LEFT JOIN (SELECT product_id, title FROM dim_products FINAL) AS p ON p.product_id = i.product_id
               WHERE {PAID.replace('order_no', 'i.order_no', 1)} AND {_w('i.created_at')}
                     AND ({{vendor:String}} = '' OR i.vendor_id = {{vendor:String}})
               GROUP BY i.product_id ORDER BY revenue_minor DESC LIMIT 20""", "SAME"),
    Metric("low_stock", "SKUs whose latest known availability is under their reorder point",
           """SELECT sku, vendor_id, available, reorder_point, as_of
              FROM (SELECT sku, argMax(vendor_id, at) AS vendor_id, argMax(available, at) AS available,
                           argMax(reorder_point, at) AS reorder_point, max(at) AS as_of
                    FROM inventory_movements FINAL WHERE kind IN ('adjusted', 'low_stock') GROUP BY sku)
              WHERE available < reorder_point AND ({vendor:String} = '' OR vendor_id = {vendor:String})
              ORDER BY available""", "SAME"),
    Metric("refund_rate", "Refunded money and orders vs paid",
           f"""SELECT (SELECT sum(total_minor) FROM orders FINAL WHERE {PAID} AND {_w('created_at')}) AS gmv_minor,
                      sum(amount_minor) AS refunded_minor, uniqExact(order_no) AS refunded_orders,
                      round(refunded_minor / greatest(gmv_minor, 1), 4) AS refund_rate
               FROM refunds FINAL WHERE {_w('at')}"""),
    Metric("reco_ab_test", "Recommendations A/B: served, clicks, click-through and conversion per variant",
           RECO_AB_SQL),
    Metric("search_quality", "Searches served per mode: count, zero-result rate, latency p50/p95 (ms)",
           f"""SELECT JSONExtractString(data, 'mode') AS mode, count() AS searches,
                      round(countIf(JSONExtractInt(data, 'found') = 0) / greatest(count(), 1), 4) AS zero_result_rate,
                      round(quantile(0.5)(JSONExtractFloat(data, 'latencyMs')), 1) AS p50_ms,
                      round(quantile(0.95)(JSONExtractFloat(data, 'latencyMs')), 1) AS p95_ms
               FROM events FINAL WHERE type = 'search.served' AND {_w('occurred_at')}
               GROUP BY mode ORDER BY searches DESC"""),
    Metric("zero_result_searches", "The most frequent queries that found nothing",
           f"""SELECT lower(JSONExtractString(data, 'query')) AS query, count() AS searches,
                      max(occurred_at) AS last_seen
               FROM events FINAL WHERE type = 'search.served' AND JSONExtractInt(data, 'found') = 0
                    AND JSONExtractString(data, 'mode') != 'suggest' AND {_w('occurred_at')}
               GROUP BY query ORDER BY searches DESC LIMIT 50"""),
    Metric("on_time_delivery", "Delivered shipments on or before the promised time",
           f"""SELECT vendor_id, count() AS delivered, countIf(late = 0) AS on_time,
                      round(on_time / greatest(delivered, 1), 4) AS on_time_rate
               FROM deliveries FINAL WHERE {_w('delivered_at')}
                    AND ({{vendor:String}} = '' OR vendor_id = {{vendor:String}})
               GROUP BY vendor_id WITH TOTALS ORDER BY delivered DESC""", "SAME"),
]}


def vendor_metrics() -> list[str]:
    return [name for name, m in METRICS.items() if m.vendor_sql]


def sql_for(name: str, *, vendor: bool) -> str:
    metric = METRICS[name]
    if not vendor:
        return metric.sql
    if metric.vendor_sql is None:
        raise KeyError(name)
    return metric.sql if metric.vendor_sql == "SAME" else metric.vendor_sql


def window(since: datetime | None, until: datetime | None, days: int = 30) -> dict[str, Any]:
    until = until or datetime.now(timezone.utc) + timedelta(minutes=1)
    return {"since": since or until - timedelta(days=days), "until": until}


def run_metric(client, name: str, *, since: datetime | None = None, until: datetime | None = None,
               vendor_id: str | None = None) -> tuple[list[str], list[tuple]]:
    """(column names, rows). `client` is a clickhouse-connect client on the warehouse database."""
    params = {**window(since, until), "vendor": vendor_id or ""}
    result = client.query(sql_for(name, vendor=vendor_id is not None), parameters=params)
    return list(result.column_names), [tuple(r) for r in result.result_rows]
