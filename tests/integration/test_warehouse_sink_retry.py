"""What a retried sink insert does when the failed attempt landed after all, in whole or in part, in a throwaway
database of the real warehouse server: the sink's own write() lands a batch (or part of it), forgets it (the worker
remembers ids only once an insert succeeded), and writes it again as the retry would.

The broker path (fetch, commit, a real outage and its retries) is tests/integration/test_warehouse_sink.py; here the
batch is handed to the sink's writer directly, to play what a live outage cannot time.
"""
from __future__ import annotations

import random
import string
from datetime import datetime, timedelta, timezone

import pytest

from kernel.events import Envelope
from kernel.warehouse import warehouse_client
from streams.warehouse_sink.agents import WarehouseSink
from streams.warehouse_sink.logic import SourceRef, plan_batch
from streams.warehouse_sink.recent_ids import RecentIds
from tests.scratch_warehouse import scratch_warehouse

LINES = 2  # order lines per order: order_items gets two rows per order.created


@pytest.fixture(scope="module")
def database(stack):
    with scratch_warehouse("test_sink_retry") as name:
        client = warehouse_client(database=name)
        for table in ("events", "orders", "order_items", "vendor_splits"):
            client.command(f"SYSTEM STOP MERGES `{name}`.{table}")  # a merge would collapse a repeat, hiding it
        client.close()
        yield name


@pytest.fixture
def client(database):
    c = warehouse_client(database=database)
    yield c
    c.close()


def orders_batch(n: int, months_apart: int = 0):
    """`n` order.created events, the second half `months_apart` months before the first (another partition)."""
    tag = "".join(random.choices(string.ascii_uppercase, k=6))
    now = datetime.now(timezone.utc)
    envelopes = [Envelope(type="order.created", occurred_at=now - timedelta(days=31 * months_apart * (2 * i >= n)),
                          data={
        "orderNo": f"R-{tag}-{i}", "orderId": f"o-{tag}-{i}", "userId": "u1", "currency": "EUR",
        "totals": {"subtotalMinor": 2000, "discountMinor": 0, "shippingMinor": 0, "taxMinor": 0, "totalMinor": 2000},
        "items": [{"sku": f"SKU-{line}", "productId": "p1", "vendorId": "v1", "qty": 1, "priceMinor": 1000,
                   "lineTotalMinor": 1000, "discountMinor": 0, "categoryIds": []} for line in range(LINES)],
        "vendorSplits": [{"vendorId": "v1", "grossMinor": 2000, "commissionMinor": 200, "netMinor": 1800,
                          "shippingMinor": 0}]}) for i in range(n)]
    plan = plan_batch((e.to_json(), SourceRef("orders.v1", 0, i)) for i, e in enumerate(envelopes))
    assert len(plan.accepted) == n and not plan.rejected
    return f"R-{tag}-", plan.accepted


def forget(sink: WarehouseSink) -> WarehouseSink:
    """The sink vouches for every event as new and remembers none: what the worker knows when it retries an insert
    whose answer it never got."""
    sink.recent = RecentIds(horizon_seconds=300, max_ids=1_000_000, clock_skew_seconds=0, clock=lambda: 0.0)
    return sink


def counts(client, prefix: str) -> tuple[int, int, int, int]:
    params = {"p": prefix}
    return tuple(int(client.command(sql, parameters=params)) for sql in (
        "SELECT count() FROM events WHERE startsWith(JSONExtractString(data, 'orderNo'), %(p)s)",
        "SELECT count() FROM orders WHERE startsWith(order_no, %(p)s)",
        "SELECT count() FROM order_items WHERE startsWith(order_no, %(p)s)",
        "SELECT count() FROM vendor_splits WHERE startsWith(order_no, %(p)s)",
    ))  # no FINAL: a repeat must not have landed at all, not merely collapse at a later merge


def test_a_retry_finds_the_landed_batch_and_lands_nothing(database, client):
    prefix, rows = orders_batch(25)
    sink = WarehouseSink(database=database)
    assert forget(sink).write(rows) == (25, 0)
    assert forget(sink).write(rows, retry=True) == (0, 25)
    assert counts(client, prefix) == (25, 25, 25 * LINES, 25)
    sink.reset()


def test_a_retry_after_a_partial_landing_writes_only_the_missing_part(database, client):
    """Two months in one batch are two parts; only the first landed. The retry's lookup drops that month's events
    and writes the other month's."""
    prefix, rows = orders_batch(20, months_apart=1)
    sink = WarehouseSink(database=database)
    forget(sink).write(rows.take(range(10)))  # this month's part only
    assert forget(sink).write(rows, retry=True) == (10, 10)
    assert counts(client, prefix) == (20, 20, 20 * LINES, 20)
    sink.reset()


def test_without_the_retry_lookup_a_forgetful_sink_would_land_twice(database, client):
    """The control: what the lookup saves. A first attempt vouches for the events as new and writes them all."""
    prefix, rows = orders_batch(10)
    sink = WarehouseSink(database=database)
    forget(sink).write(rows)
    forget(sink).write(rows)
    assert counts(client, prefix)[0] == 20
    sink.reset()
