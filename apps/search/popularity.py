"""Popularity from the warehouse: units sold per product over a window of paid orders (order_items in ClickHouse,
history and live orders alike). `mkt search reindex` refreshes it before building; between refreshes each live
order.paid event adds one per product it holds (apps/search/projections.add_sales)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.orm import SearchProduct

SALES_SQL = """
SELECT product_id, toInt64(sum(qty)) AS units
FROM order_items FINAL
WHERE order_no IN (SELECT order_no FROM order_events WHERE event_type = 'order.paid')
  AND created_at >= now64(3) - toIntervalDay({days:UInt32})
GROUP BY product_id
"""


def warehouse_sales(client: Any, *, days: int) -> dict[str, int]:
    """product id → units sold in paid orders of the last `days` days (client: kernel.warehouse.warehouse_client)."""
    rows = client.query(SALES_SQL, parameters={"days": days}).result_rows
    return {str(product_id): int(units) for product_id, units in rows}


async def apply_sales(session: AsyncSession, sales: dict[str, int]) -> int:
    """Set each projected product's units_sold to the warehouse's figure (0 when it sold nothing in the window);
    returns how many changed (their documents are pushed again). Does not commit."""
    current = dict((await session.execute(select(SearchProduct.product_id, SearchProduct.units_sold))).all())
    changed = [{"pid": pid, "units": sales.get(pid, 0)} for pid, units in sorted(current.items())
               if units != sales.get(pid, 0)]
    if changed:
        table = SearchProduct.__table__  # Core executemany: one statement, a parameter set per product
        stmt = (update(table).where(table.c.product_id == bindparam("pid"))
                .values(units_sold=bindparam("units"), index_version=table.c.index_version + 1))
        await session.execute(stmt, changed)
    return len(changed)
