"""Analytics use cases: the kernel's metric definitions run on the warehouse, off the event loop."""
from __future__ import annotations

import asyncio
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kernel.analytics import METRICS, run_metric, window
from kernel.errors import NotFound
from kernel.warehouse import warehouse_client

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


async def metric(name: str, *, since: datetime | None, until: datetime | None, days: int,
                 vendor_id: str | None = None) -> dict[str, Any]:
    spec = METRICS.get(name)
    if spec is None or (vendor_id is not None and spec.vendor_sql is None):
        raise NotFound(f"No metric {name!r}.", errors=[{"field": "metric", "message": "unknown metric"}])
    bounds = window(since, until, days)
    columns, rows = await asyncio.to_thread(run_metric, _client(), name, vendor_id=vendor_id, **bounds)
    return {"metric": name, "title": spec.title, "since": bounds["since"].isoformat(),
            "until": bounds["until"].isoformat(), "vendorId": vendor_id, "columns": columns,
            "rows": [{c: _json(v) for c, v in zip(columns, row)} for row in rows]}


async def ping_warehouse() -> None:
    await asyncio.to_thread(lambda: _client().command("SELECT 1"))
