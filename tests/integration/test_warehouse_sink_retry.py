"""A retried sink insert is dropped by the warehouse itself (migration 0008), not by an eventId lookup: in a throwaway
database of the real warehouse server, the sink's own write() lands a batch, forgets it (as when the insert's answer
was lost, so the worker never remembered the ids), and writes it again with the batch's token.

The broker path (fetch, commit, a real outage and its retries) is tests/integration/test_warehouse_sink.py; here the
batch is handed to the sink's writer directly, to play the one case a live outage cannot time: an insert that landed
although its caller saw it fail.
"""
from __future__ import annotations

import random
import re
import string
from datetime import datetime, timezone

import pytest

from kernel.events import Envelope
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from streams.warehouse_sink.agents import WarehouseSink
from streams.warehouse_sink.logic import SourceRef, plan_batch
from streams.warehouse_sink.recent_ids import RecentIds
from warehouse.migrate import migrate

LINES = 2  # order lines per order: order_items gets two rows per order.created


@pytest.fixture(scope="module")
def database(stack):
    settings = common_settings()
    name = "test_sink_retry_" + "".join(random.choices(string.ascii_lowercase, k=8))
    migrate(settings, database=name)
    yield name
    admin = warehouse_client(settings, database="default")
    admin.command(f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


@pytest.fixture
def client(database):
    c = warehouse_client(database=database)
    yield c
    c.close()


def orders_batch(n: int):
    tag = "".join(random.choices(string.ascii_uppercase, k=6))
    envelopes = [Envelope(type="order.created", occurred_at=datetime.now(timezone.utc), data={
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
    whose answer it never got (it remembers ids only once an insert succeeded)."""
    sink.recent = RecentIds(horizon_seconds=300, max_ids=1_000_000, clock_skew_seconds=0, clock=lambda: 0.0)
    return sink


def counts(client, prefix: str) -> tuple[int, int, int, int]:
    params = {"p": prefix}
    return tuple(int(client.command(sql, parameters=params)) for sql in (
        "SELECT count() FROM events WHERE startsWith(JSONExtractString(data, 'orderNo'), %(p)s)",
        "SELECT count() FROM orders WHERE startsWith(order_no, %(p)s)",
        "SELECT count() FROM order_items WHERE startsWith(order_no, %(p)s)",
        "SELECT count() FROM vendor_splits WHERE startsWith(order_no, %(p)s)",
    ))  # no FINAL: a duplicate must not have landed at all, not merely collapse later


def test_a_retry_with_the_batch_token_lands_nothing_twice(database, client):
    prefix, rows = orders_batch(25)
    sink = WarehouseSink(database=database)
    assert forget(sink).write(rows, "sink-retry-a") == (25, 0)
    assert forget(sink).write(rows, "sink-retry-a") == (25, 0)  # the worker believes it inserted; the server dropped it
    assert counts(client, prefix) == (25, 25, 25 * LINES, 25)
    sink.reset()


def test_without_the_same_token_the_same_retry_would_duplicate(database, client):
    """The control: what the token saves. A new token for the same rows lands them again everywhere."""
    prefix, rows = orders_batch(10)
    sink = WarehouseSink(database=database)
    forget(sink).write(rows, "sink-retry-b1")
    forget(sink).write(rows, "sink-retry-b2")
    assert counts(client, prefix) == (20, 20, 20 * LINES, 20)
    sink.reset()


def test_every_view_target_keeps_insert_ids(database, client):
    """A view whose target keeps no insert ids would take a retried batch twice: every target must, including
    views added after 0008."""
    tables = dict(client.query("SELECT name, create_table_query FROM system.tables WHERE database = {d:String}",
                               parameters={"d": database}).result_rows)
    targets = {m.group(1) for q in tables.values() if (m := re.search(r"MATERIALIZED VIEW \S+ TO \S+?\.?(\w+)\s", q))}
    assert {"orders", "order_items", "clickstream", "dim_categories"} <= targets
    for table in targets | {"events"}:
        assert "non_replicated_deduplication_window = 1000" in tables[table], table
