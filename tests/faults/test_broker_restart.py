"""Kafka broker restart mid-load (a private Tansu: memory storage, so the restart loses every topic and offset),
then the documented recovery (deploy/RUNBOOK.md "broker lost data"): recreate the topics, `mkt outbox replay --since`.
0 orders lost, 0 events lost or counted twice, the warehouse's money equal to PostgreSQL's to the cent; and the
stream worker heals its own internal topic (feature-signals) without a restart."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from deploy.local.scratch import wait_for

pytestmark = pytest.mark.timeout(600)


def _internal_topics_back(env) -> bool:
    from deploy.local.kafka_topics import partition_counts, run_async

    counts = run_async(partition_counts(env.stack.bootstrap))
    return "marketplace-streams-feature-signals" in counts


async def test_broker_restart_mid_load_loses_nothing(fault_env):
    env = fault_env
    before = env.wait_balanced()
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    worker_log_start = env.worker.log.stat().st_size

    async def restart_broker() -> None:
        await asyncio.sleep(4)
        await asyncio.to_thread(env.stack.kafka.restart)  # SIGTERM, start again: memory storage, all topics gone

    samples = await env.load(12, during=restart_broker)
    assert not [s for s in samples.statuses if s.startswith("5")], samples.first_errors  # the outbox decouples it
    assert samples.completed > 0
    # Documented recovery: the topics as declared, then replay what the outboxes retained since before the loss.
    env.stack.ensure_topics()
    env.stack.run_tool("outbox", "replay", "--since", since.isoformat())
    after = env.wait_balanced(timeout=180)
    assert after.orders > before.orders
    assert after.warehouse_rows == after.outbox_events  # nothing counted twice
    # The worker recreates the internal topic it writes (and commits offsets for) without being restarted.
    wait_for(lambda: _internal_topics_back(env), 60, "the worker to recreate its feature-signals topic")
    assert env.worker.running()
    tail = env.worker.log.read_bytes()[worker_log_start:]
    print(f"broker restart: before {before.line()}; after {after.line()}; load {samples.completed} purchases, "
          f"errors {dict(samples.errors)}; worker UnknownTopicOrPartition lines "
          f"{tail.count(b'UnknownTopicOrPartition')}")
