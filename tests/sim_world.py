"""A small simulated world in the past, backfilled over the real broker through a private stream worker into the
warehouse: the data the model and pipeline tests train on. Its window (2022–2023) is one no other test writes to,
so a training window over it sees only this world."""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time as dtime, timezone
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from kernel.contracts.topics import DOMAIN_TOPICS
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from mkt.streams_cli import warehouse_lag, worker_argv
from simulator.backfill import run_backfill
from simulator.config import ORDER_PREFIX, SimConfig
from simulator.ground_truth import run_dir

# Enough orders for every model's hold-out to hold both classes / several weeks, and fast to land (~30k events).
SMALL_WORLD = SimConfig(seed=23, days=210, end=date(2023, 3, 1), shoppers=600, vendors=4, skus=60,
                        fraud_share=0.06, browse_sessions_per_order=1.0)


@dataclass(frozen=True)
class SmallWorld:
    config: SimConfig
    truth_dir: Path
    orders: int

    @property
    def since(self) -> str:
        return self.config.start.isoformat()

    @property
    def until(self) -> str:
        return self.config.end.isoformat()

    @property
    def window(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.config.start, dtime(0), tzinfo=timezone.utc),
                datetime.combine(self.config.end, dtime(0), tzinfo=timezone.utc))


async def end_offsets() -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        await consumer.topics()
        parts = [TopicPartition(t.name, p) for t in DOMAIN_TOPICS for p in consumer.partitions_for_topic(t.name) or ()]
        return await consumer.end_offsets(parts)
    finally:
        await consumer.stop()


async def start_group_at_the_end(group: str) -> None:
    """A fresh consumer group whose offsets start at today's ends: its worker sees only what the test writes,
    not the shared group's backlog (the warehouse dedupes by eventId, so the shared worker re-sinking is harmless)."""
    ends = await end_offsets()
    # The worker's faust group and its warehouse sink's own group (streams/warehouse_sink/consumer.py) both start
    # at the ends, so nothing the test writes before the sink's partitions are assigned is skipped.
    for group_id in (group, f"{group}-warehouse-sink"):
        consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=group_id,
                                    enable_auto_commit=False)
        await consumer.start()
        try:
            consumer.assign(list(ends))
            await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in ends.items()})
        finally:
            await consumer.stop()


@contextlib.contextmanager
def streams_worker_process(log_path: Path, group: str | None = None):
    """A faust worker process of the test's own, stopped by its PID; in consumer group `group` when given (else the
    app's default group). Yields the group it consumes in."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **({"STREAMS_APP_ID": group} if group else {})}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(worker_argv("info"), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env=env)
    try:
        deadline = time.monotonic() + 60
        while b"[^Worker]: Ready" not in log_path.read_bytes():
            assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        yield group or env.get("STREAMS_APP_ID", "marketplace-streams")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@contextlib.contextmanager
def private_streams_worker(log_path: Path):
    """A worker in a fresh consumer group that starts at today's ends: it sees only what the test writes."""
    group = f"sim-test-{uuid.uuid4().hex[:8]}"
    asyncio.run(start_group_at_the_end(group))
    with streams_worker_process(log_path, group) as consumed:
        yield consumed


def warehouse_orders(cfg: SimConfig) -> int:
    return int(warehouse_client().query(
        "SELECT count() FROM orders FINAL WHERE startsWith(order_no, {p:String})",
        parameters={"p": f"{ORDER_PREFIX}{cfg.run_key}-"}).result_rows[0][0])


def land_small_world(log_path: Path, cfg: SimConfig = SMALL_WORLD, timeout: float = 240.0) -> SmallWorld:
    """Backfill `cfg` (its ground truth where the pipeline looks for labels) unless the warehouse already holds
    all of it, and wait until every order and the last events landed."""
    truth_dir = run_dir(cfg.run_id)
    expected = None
    if (truth_dir / "manifest.json").exists():
        expected = json.loads((truth_dir / "manifest.json").read_text())["truth_totals"]["orders"]
    if expected is None or warehouse_orders(cfg) < expected:
        with private_streams_worker(log_path) as group:
            report = asyncio.run(run_backfill(cfg, truth_dir=truth_dir))
            expected = report.truth_totals["orders"]
            deadline = time.monotonic() + timeout
            while warehouse_orders(cfg) < expected or asyncio.run(warehouse_lag(group)) > 0:
                assert time.monotonic() < deadline, f"{warehouse_orders(cfg)} of {expected} orders landed"
                time.sleep(1.0)
    return SmallWorld(cfg, truth_dir, expected)
