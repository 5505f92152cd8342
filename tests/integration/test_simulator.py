"""A 3-day backfill of a tiny world on the real broker, and through a real faust worker into the warehouse:
every record lands on its topic, and the warehouse's orders add up to the simulator's own totals."""
from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from kernel.contracts.topics import DOMAIN_TOPICS
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from simulator.backfill import run_backfill
from simulator.config import ORDER_PREFIX, SimConfig
from simulator.live import LiveDriver, products_of
from simulator.seed import seed_marketplace
from tests.flows import deliver_now
from tests.sim_world import private_streams_worker


@pytest.fixture(scope="module")
def streams_worker(stack, tmp_path_factory):
    with private_streams_worker(tmp_path_factory.mktemp("sim-streams") / "worker.log") as group:
        yield group


async def offsets(consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
    await consumer.topics()
    parts = [TopicPartition(t.name, p) for t in DOMAIN_TOPICS for p in consumer.partitions_for_topic(t.name) or ()]
    return await consumer.end_offsets(parts)


async def count_run(consumer: AIOKafkaConsumer, start: dict, expected: dict[str, int], correlation: str,
                    timeout: float = 30.0) -> Counter:
    """This run's messages (by the backfill's correlation id) per topic, read from offsets taken before it, until
    `expected` is reached and the next polls bring no more of them. (The local broker's end offsets can trail the
    records just written, so they are not a stopping point.)"""
    consumer.assign(list(start))
    for tp, offset in start.items():
        consumer.seek(tp, offset)
    counts: Counter = Counter()
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and quiet < 2:
        batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
        seen = sum(counts.values())
        for tp, records in batch.items():
            for r in records:
                if json.loads(r.value).get("trace", {}).get("correlationId") == correlation:
                    counts[tp.topic] += 1
        quiet = quiet + 1 if dict(counts) == expected and sum(counts.values()) == seen else 0
    return counts


def warehouse_orders(prefix: str) -> tuple[int, int]:
    row = warehouse_client().query(
        "SELECT count(), sum(total_minor) FROM orders FINAL WHERE startsWith(order_no, {p:String})",
        parameters={"p": prefix}).result_rows[0]
    return int(row[0]), int(row[1] or 0)


async def test_a_backfill_lands_on_every_topic_and_adds_up_in_the_warehouse(streams_worker, tmp_path):
    cfg = SimConfig(seed=random.randrange(1 << 30), days=3, shoppers=500, vendors=4, skus=80)
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=None,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        before = await offsets(consumer)
        report = await run_backfill(cfg, truth_dir=tmp_path / "truth")
        counted = await count_run(consumer, before, report.per_topic, f"simulator:{cfg.run_id}")
    finally:
        await consumer.stop()
    assert dict(counted) == report.per_topic
    assert sum(counted.values()) == report.events > 500
    assert {"orders.v1", "payments.v1", "clickstream.v1", "products.v1", "users.v1"} <= set(counted)
    assert (tmp_path / "truth" / "manifest.json").exists()

    expected = (report.truth_totals["orders"], report.truth_totals["placed_total_minor"])
    assert expected[0] > 0
    prefix = f"{ORDER_PREFIX}{cfg.run_key}-"
    deadline = time.monotonic() + 45
    while warehouse_orders(prefix) != expected:
        assert time.monotonic() < deadline, f"warehouse has {warehouse_orders(prefix)}, simulator {expected}"
        await asyncio.sleep(0.5)


async def test_live_shoppers_buy_through_the_gateway(client, admin_token):
    summary = await seed_marketplace(client, admin_token, vendors=2, products_per_vendor=2, seed=5, stock=50,
                                     nudge=lambda service, key: deliver_now(client, service, key))
    assert len(summary.vendors) == 2 and len(summary.products) >= 2
    driver = LiveDriver(client, products_of(summary), seed=3,
                        nudge=lambda service, key: deliver_now(client, service, key))
    stats = await driver.run(shoppers=3, minutes=0.25, rate=5.0)
    assert stats.counts["shoppers"] == 3 and stats.counts["sessions"] > 10
    assert stats.counts["orders"] > 0 and stats.counts["payments_succeeded"] > 0, (stats.counts, stats.errors)
    assert stats.counts["tracked_events"] > 0 or stats.notes
