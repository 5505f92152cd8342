"""What a retried sink insert does when the failed attempt landed after all, in a throwaway database of the real
warehouse server: the sink's own write() lands a batch, forgets it (the worker remembers ids only once an insert
succeeded), and writes it again as the retry would.

The broker path (fetch, commit, a real outage and its retries) is tests/integration/test_warehouse_sink.py; here the
batch is handed to the sink's writer directly, to play what a live outage cannot time: an attempt that lands while
the retry's lookup runs, or lands only some of its parts.
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
    """The sink vouches for every event as new and remembers none: what the worker knows when the lookup cannot
    see an attempt still in flight."""
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


AT = datetime(2026, 12, 1, tzinfo=timezone.utc)  # the batch's ingested_at, kept by every attempt


def test_a_retry_finds_the_landed_batch_and_lands_nothing(database, client):
    prefix, rows = orders_batch(25)
    sink = WarehouseSink(database=database)
    assert forget(sink).write(rows, AT) == (25, 0)
    assert forget(sink).write(rows, AT, retry=True) == (0, 25)
    assert counts(client, prefix) == (25, 25, 25 * LINES, 25)
    sink.reset()


def test_a_repeat_the_lookup_could_not_see_is_dropped_by_the_server(database, client):
    prefix, rows = orders_batch(25)
    sink = WarehouseSink(database=database)
    assert forget(sink).write(rows, AT) == (25, 0)
    forget(sink).write(rows, AT)  # the retry's lookup ran before the first attempt's insert landed
    assert counts(client, prefix)[0] == 25
    sink.reset()


def test_a_retry_after_a_partial_landing_writes_the_missing_part(database, client):
    """Two months in one batch are two parts; only the first landed. The retry's lookup drops that month's events,
    and the other month's part, never written, is not mistaken for a repeat."""
    prefix, rows = orders_batch(20, months_apart=1)
    sink = WarehouseSink(database=database)
    forget(sink).write(rows.take(range(10)), AT)  # this month's part only
    assert forget(sink).write(rows, AT, retry=True) == (10, 10)
    assert counts(client, prefix) == (20, 20, 20 * LINES, 20)
    sink.reset()


def test_a_different_ingestion_time_is_not_a_repeat(database, client):
    """The control: the server drops a part only when its bytes match, so a retry must keep the batch's
    ingested_at; with another one the same rows land twice."""
    prefix, rows = orders_batch(10)
    sink = WarehouseSink(database=database)
    forget(sink).write(rows, AT)
    forget(sink).write(rows, AT + timedelta(milliseconds=1))
    assert counts(client, prefix)[0] == 20
    sink.reset()


def test_events_keeps_the_ids_of_its_recent_parts(database, client):
    create = client.command("SELECT create_table_query FROM system.tables WHERE database = %(d)s AND name = 'events'",
                            parameters={"d": database})
    assert "non_replicated_deduplication_window = 1000" in create
