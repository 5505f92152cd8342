"""Events/s into the warehouse through one stream worker vs a row-at-a-time baseline, and event-to-query freshness.

    .venv/bin/python -m benchmarks.streams [--events 20000] [--baseline-rows 2000] [--probes 30]

Needs the local stack up (`mkt stack up`) and the warehouse migrated. Starts its own faust worker in the normal
consumer group (stop the demo's worker first, `mkt stack down` stops it, or the two share partitions), produces a
burst of valid envelopes with a type unique to this run, and times until every one is queryable. The baseline
inserts rows one INSERT at a time into a scratch table, in the same run.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from aiokafka import AIOKafkaProducer
from rich.console import Console

from kernel.contracts.topics import ORDERS
from kernel.events import Envelope
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from mkt.streams_cli import worker_argv

console = Console(width=140)


def start_worker(log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(worker_argv("info"), stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 90
    while b"[^Worker]: Ready" not in log.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"worker did not start: {log}")
        time.sleep(0.2)
    return proc


def count(event_type: str) -> int:
    return warehouse_client().query("SELECT count() FROM events WHERE type = {t:String}",
                                    parameters={"t": event_type}).result_rows[0][0]


async def produce(envelopes: list[Envelope]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=common_settings().kafka_bootstrap_servers, linger_ms=5)
    await producer.start()
    try:
        for env in envelopes:
            await producer.send(ORDERS.name, env.to_json(), key=env.event_id.encode())
        await producer.flush()
    finally:
        await producer.stop()


def envelopes(event_type: str, n: int) -> list[Envelope]:
    return [Envelope(type=event_type, data={"orderNo": f"BENCH-{i}", "i": i}) for i in range(n)]


def burst(n: int, run: str) -> float:
    event_type = f"bench.{run}.burst"
    started = time.perf_counter()
    asyncio.run(produce(envelopes(event_type, n)))
    while count(event_type) < n:
        time.sleep(0.1)
    return n / (time.perf_counter() - started)


def row_at_a_time(n: int) -> float:
    client, table = warehouse_client(), f"bench_rows_{uuid.uuid4().hex[:8]}"
    client.command(f"CREATE TABLE {table} (event_id UUID, type String, data String, at DateTime64(3, 'UTC')) "
                   f"ENGINE = MergeTree ORDER BY event_id")
    try:
        started = time.perf_counter()
        for env in envelopes("bench.row", n):
            client.insert(table, [[uuid.UUID(env.event_id), env.type, "{}", datetime.now(timezone.utc)]],
                          column_names=["event_id", "type", "data", "at"])
        return n / (time.perf_counter() - started)
    finally:
        client.command(f"DROP TABLE {table}")


def freshness(probes: int, run: str) -> list[float]:
    latencies = []
    for i in range(probes):
        event_type = f"bench.{run}.probe"
        started = time.perf_counter()
        asyncio.run(produce(envelopes(event_type, 1)))
        while count(event_type) < i + 1:
            time.sleep(0.02)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--probes", type=int, default=30)
    args = parser.parse_args()
    run = "".join(c for c in uuid.uuid4().hex if c.isalpha())[:8] or "run"
    log = Path(tempfile.mkdtemp()) / "worker.log"
    worker = start_worker(log)
    try:
        burst(200, run + "warm")  # first insert in a process loads pandas: keep it out of the figure
        sink_rate = burst(args.events, run)
        fresh = freshness(args.probes, run)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    baseline = row_at_a_time(args.baseline_rows)
    q = statistics.quantiles(fresh, n=20)
    console.print(f"stream worker: {args.events} events → warehouse at {sink_rate:,.0f} events/s")
    console.print(f"row-at-a-time baseline: {args.baseline_rows} single-row INSERTs at {baseline:,.0f} rows/s")
    console.print(f"ratio worker/baseline: {sink_rate / baseline:.1f}x")
    console.print(f"freshness produce→queryable over {args.probes} probes: p50 {statistics.median(fresh):.0f} ms, "
                  f"p95 {q[18]:.0f} ms, max {max(fresh):.0f} ms")


if __name__ == "__main__":
    main()
