"""Analytics use cases: the kernel's metric definitions run on the warehouse, off the event loop."""
from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kernel.errors import NotFound
from kernel.warehouse import warehouse_client
from warehouse.metrics.analytics import METRICS, run_metric, vendor_metrics, window

_local = threading.local()  # clickhouse-connect clients are not thread-safe: one per worker thread


def _client():
    if not hasattr(_local, "client"):
        _local.client = warehouse_client()
    return _local.client


def _json(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, float) and value != value:  # NaN: no data
        return None
    return value


# Ids a person cannot read, and where the warehouse keeps their names: (id column, name column, lookup SQL).
# Categories have no dim table; their names come from the catalog's own category events (latest wins).
NAME_LOOKUPS = (
    ("vendor_id", "vendor", "SELECT vendor_id, argMax(name, updated_at) FROM dim_vendors "
                            "WHERE vendor_id IN {ids:Array(String)} GROUP BY vendor_id"),
    ("category_id", "category", "SELECT JSONExtractString(data, 'categoryId') AS id, argMax(JSONExtractString(data, "
                                "'name'), occurred_at) FROM events WHERE type IN ('category.created', "
                                "'category.updated') AND id IN {ids:Array(String)} GROUP BY id"),
    ("product_id", "title", "SELECT product_id, argMax(title, updated_at) FROM dim_products "
                            "WHERE product_id IN {ids:Array(String)} GROUP BY product_id"),
)


def with_names(client, columns: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """Add a name column beside every id column that lacks one (ids stay, for links); an unknown id keeps an
    empty name rather than hiding the row."""
    for id_col, name_col, sql in NAME_LOOKUPS:
        if id_col not in columns or name_col in columns:
            continue
        at = columns.index(id_col)
        ids = sorted({str(r[at]) for r in rows if r[at]})
        names = dict(client.query(sql, parameters={"ids": ids}).result_rows) if ids else {}
        columns = [*columns[:at + 1], name_col, *columns[at + 1:]]
        rows = [(*r[:at + 1], names.get(str(r[at]), ""), *r[at + 1:]) for r in rows]
    return columns, rows


def _run(name: str, vendor_id: str | None, bounds: dict[str, Any]) -> tuple[list[str], list[tuple]]:
    columns, rows = run_metric(_client(), name, vendor_id=vendor_id, **bounds)
    return with_names(_client(), columns, rows)


def metric_list() -> list[dict[str, Any]]:
    """Every metric an admin can read, and whether a vendor can read its own slice."""
    return [{"name": m.name, "title": m.title, "vendorSlice": bool(m.vendor_sql)} for m in METRICS.values()]


def vendor_metric_list() -> list[dict[str, Any]]:
    return vendor_metrics()


async def metric(name: str, *, since: datetime | None, until: datetime | None, days: int,
                 vendor_id: str | None = None) -> dict[str, Any]:
    spec = METRICS.get(name)
    if spec is None or (vendor_id is not None and spec.vendor_sql is None):
        raise NotFound(f"No metric {name!r}.", errors=[{"field": "metric", "message": "unknown metric"}])
    bounds = window(since, until, days)
    columns, rows = await asyncio.to_thread(_run, name, vendor_id, bounds)
    return {"metric": name, "title": spec.title, "since": bounds["since"].isoformat(),
            "until": bounds["until"].isoformat(), "vendorId": vendor_id, "columns": columns,
            "rows": [{c: _json(v) for c, v in zip(columns, row)} for row in rows]}


async def ping_warehouse() -> None:
    await asyncio.to_thread(lambda: _client().command("SELECT 1"))
