"""What the operational alerts observe in the warehouse, for a window [since, until): raw counts and the offending
items, named from the dimensions. Thresholds, baselines and cooldowns are the caller's (pipelines/defs/reports).

- payment failures: `payments` (payment.failed vs payment.succeeded), with the top decline reasons;
- low stock: SKUs whose latest known availability is under their reorder point (as analytics' low_stock metric);
- 5xx: `gateway.server_error` events (the gateway records each 5xx it answers), grouped by status and route;
- fraud rate: non-provisional `fraud.scored` events whose decision is review or reject.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warehouse.metrics.analytics import in_window as _w

PAYMENT_OUTCOMES_SQL = f"""
SELECT countIf(status = 'failed') AS failed, countIf(status IN ('failed', 'succeeded')) AS attempts
FROM payments FINAL WHERE {_w('at')}"""

PAYMENT_REASONS_SQL = f"""
SELECT if(reason = '', '(no reason)', reason) AS reason, count() AS n
FROM payments FINAL WHERE status = 'failed' AND {_w('at')} GROUP BY reason ORDER BY n DESC, reason LIMIT 5"""

LOW_STOCK_SQL = """
SELECT l.sku AS sku, ifNull(p.title, '') AS title, ifNull(v.name, '') AS vendor, l.vendor_id AS vendor_id,
       l.available AS available, l.reorder_point AS reorder_point, l.as_of AS as_of
FROM (SELECT sku, argMax(vendor_id, at) AS vendor_id, argMax(available, at) AS available,
             argMax(reorder_point, at) AS reorder_point, max(at) AS as_of
      FROM inventory_movements FINAL WHERE kind IN ('adjusted', 'low_stock') GROUP BY sku
      HAVING available < reorder_point AND as_of >= {since:DateTime64(3, 'UTC')}) AS l
LEFT JOIN (SELECT sku, argMax(product_id, updated_at) AS product_id FROM dim_skus GROUP BY sku) AS s ON s.sku = l.sku
LEFT JOIN (SELECT product_id, argMax(title, updated_at) AS title FROM dim_products GROUP BY product_id) AS p
     ON p.product_id = s.product_id
LEFT JOIN (SELECT vendor_id, argMax(name, updated_at) AS name FROM dim_vendors GROUP BY vendor_id) AS v
     ON v.vendor_id = l.vendor_id
ORDER BY l.available, l.sku LIMIT {limit:UInt32}"""

SERVER_ERRORS_SQL = f"""
SELECT JSONExtractInt(data, 'status') AS status, JSONExtractString(data, 'method') AS method,
       JSONExtractString(data, 'path') AS path, count() AS n
FROM events WHERE type = 'gateway.server_error' AND {_w('occurred_at')}
GROUP BY status, method, path ORDER BY n DESC, path"""

FRAUD_SQL = f"""
SELECT uniqExact(event_id) AS scored, uniqExactIf(event_id, JSONExtractString(data, 'decision') != 'approve') AS flagged
FROM events
WHERE type = 'fraud.scored' AND NOT JSONExtractBool(data, 'provisional') AND {_w('occurred_at')}"""


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


def _params(since: datetime, until: datetime) -> dict[str, Any]:
    return {"since": since, "until": until}


def payment_outcomes(client, since: datetime, until: datetime) -> Ratio:
    failed, attempts = client.query(PAYMENT_OUTCOMES_SQL, parameters=_params(since, until)).result_rows[0]
    return Ratio(int(failed), int(attempts))


def payment_failure_reasons(client, since: datetime, until: datetime) -> list[tuple[str, int]]:
    rows = client.query(PAYMENT_REASONS_SQL, parameters=_params(since, until)).result_rows
    return [(str(r), int(n)) for r, n in rows]


def low_stock(client, *, since: datetime, limit: int = 200) -> list[dict[str, Any]]:
    """SKUs under their reorder point whose latest stock change is at or after `since`."""
    result = client.query(LOW_STOCK_SQL, parameters={"since": since, "limit": limit})
    return [dict(zip(result.column_names, row)) for row in result.result_rows]


def server_errors(client, since: datetime, until: datetime) -> list[dict[str, Any]]:
    result = client.query(SERVER_ERRORS_SQL, parameters=_params(since, until))
    return [dict(zip(result.column_names, row)) for row in result.result_rows]


def fraud_flags(client, since: datetime, until: datetime) -> Ratio:
    scored, flagged = client.query(FRAUD_SQL, parameters=_params(since, until)).result_rows[0]
    return Ratio(int(flagged), int(scored))
