"""Events/s into the warehouse through 1 and 2 stream workers vs the old sink path, and produce→queryable p95.

    .venv/bin/python -m benchmarks.streams [--events 100000] [--workers 1,2] [--baseline-events 20000] [--rate 0]
        [--lookup recent|always] [--lanes 3] [--topic orders.v1]

Needs the local stack up and the warehouse migrated. Stop the demo's stream worker first (`mkt stack down streams`):
it would ingest the same events. They stay in the topic afterwards, so a sink group that has not read past them
yet (the demo's, a test worker's) lands them later as `bench.*` rows; each phase deletes only its own rows at its
end, and `DELETE FROM events WHERE startsWith(type, 'bench.')` clears the rest. Each phase's workers form a consumer group of their own that starts at the
topics' ends (STREAMS_CONSUMER_AUTO_OFFSET_RESET=latest), so they see only that phase's events.

Each phase starts N workers, waits until they are ready, then a producer process sends the events (occurredAt set
as they are sent, round-robin over every partition, one record batch per partition at a time so the producer
outruns the sink), with one probe event every 0.1 s among them. events/s is events / (last one queryable - first
one sent; the producer's start-up is not counted); freshness is each probe's sent → first seen by a query (polled
every 50 ms). As fast as it can (--rate 0) the producer builds a backlog, so freshness there is mostly queueing:
`--rate 20000` measures freshness at that rate. The baseline is one worker on the old path, in the same run: faust's per-event stream, batches of
500 within 1 s and an eventId lookup before every insert (STREAMS_SINK_READER=faust, STREAMS_SINK_BATCH_SIZE=500,
STREAMS_SINK_BATCH_SECONDS=1, STREAMS_SINK_LOOKUP=always).
The local broker (Tansu, memory storage) gets slower to read from as a topic piles up records: after a day of
benchmark runs into orders.v1 (millions of events), the same code measured p95 2.8–3.3 s there and 1.2–1.3 s on a
topic without that backlog (`--topic coupons.v1`), with more worker CPU per event too. Compare runs on one topic.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer
from rich.console import Console

from kernel.contracts.topics import DOMAIN_TOPICS, ORDERS
from kernel.ids import new_id_str
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from mkt.streams_cli import worker_argv

console = Console(width=140)
OLD_PATH = {"STREAMS_SINK_BATCH_SIZE": "500", "STREAMS_SINK_BATCH_SECONDS": "1", "STREAMS_SINK_LOOKUP": "always",
            "STREAMS_SINK_READER": "faust"}
PROBE_EVERY = 0.1
CHUNK = 500  # burst events built and handed to the producer at a time (one probe check per chunk)


@dataclass
class Phase:
    name: str
    workers: int
    events: int
    env: dict[str, str]


@dataclass
class Result:
    phase: Phase
    rate: float
    probes: list[float]
    load: float
    cpu_us: float  # worker CPU per event


def start_workers(n: int, group: str, env: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    procs, paths = [], []
    for i in range(n):
        path = logs / f"worker{i}.log"
        procs.append(subprocess.Popen(worker_argv("info"), stdout=path.open("wb"), stderr=subprocess.STDOUT,
                                      start_new_session=True,
                                      env={**os.environ, "PYTHONUNBUFFERED": "1", "STREAMS_APP_ID": group,
                                           "STREAMS_CONSUMER_AUTO_OFFSET_RESET": "latest", **env}))
        paths.append(path)
    deadline = time.monotonic() + 120
    while not all(_warm(p.read_bytes()) for p in paths):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            stop(procs)
            raise RuntimeError(f"workers did not start: {logs}")
        time.sleep(0.2)
    time.sleep(3 if n > 1 else 0)  # the later joiners' rebalance: let every worker settle on its partitions
    return procs


def _warm(log: bytes) -> bool:
    """Ready, and past importing Feast (seconds of CPU that would otherwise land inside the measurement)."""
    return b"[^Worker]: Ready" in log and (b"feature store ready" in log or b"feature store not ready" in log)


def cpu_seconds(procs: list[subprocess.Popen]) -> float:
    """User + system CPU the workers used so far (Linux /proc): per event, a figure the machine's load skews less."""
    total = 0
    for proc in procs:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        proc.wait(30)


def _envelope(event_type: str, i: int, sent_at: float) -> bytes:
    occurred = datetime.fromtimestamp(sent_at, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return orjson.dumps({"eventId": new_id_str(), "type": event_type, "version": 1, "occurredAt": occurred,
                         "actor": {"type": "simulator", "id": None}, "data": {"orderNo": f"BENCH-{i}", "i": i},
                         "trace": {"requestId": None, "correlationId": None}})


async def _produce(bootstrap: str, run: str, n: int, rate: float, topic: str, first_sent=None) -> None:
    """Burst events in one record batch per partition at a time (send_batch: no per-message future or
    partitioner, which capped the producer near 15k events/s, below what the sink is asked to take)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, max_batch_size=256 * 1024)
    await producer.start()
    try:
        partitions = sorted(await producer.partitions_for(topic))
        started, next_probe, probe, pending = time.time(), 0.0, 0, []
        if first_sent is not None:
            first_sent.value = started
        for chunk_start in range(0, n, CHUNK):
            now = time.time()
            if now >= next_probe:
                probe_event = _envelope(f"bench.{run}.probe", probe, now)
                pending.append(await producer.send(topic, probe_event, key=b"probe"))
                probe, next_probe = probe + 1, now + PROBE_EVERY
            batches = {p: producer.create_batch() for p in partitions}
            for i in range(chunk_start, min(n, chunk_start + CHUNK)):
                partition = partitions[i % len(partitions)]
                value = _envelope(f"bench.{run}.burst", i, now)
                while batches[partition].append(key=f"order-{i % 97}".encode(), value=value, timestamp=None) is None:
                    pending.append(await producer.send_batch(batches[partition], topic, partition=partition))
                    batches[partition] = producer.create_batch()
            pending += [await producer.send_batch(batch, topic, partition=partition)
                        for partition, batch in batches.items() if batch.record_count()]
            if rate and (ahead := started + (chunk_start + CHUNK) / rate - time.time()) > 0:
                await asyncio.sleep(ahead)
            if len(pending) >= 64:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


def producer_process(bootstrap: str, run: str, n: int, rate: float, topic: str, first_sent=None) -> None:
    asyncio.run(_produce(bootstrap, run, n, rate, topic, first_sent))


def watch(run: str, n: int, producer: multiprocessing.Process, since_epoch: float) -> tuple[float, list[float]]:
    """Poll until all n burst events are queryable; returns (when that was seen, probe latencies in ms).

    Both polls read only the parts holding events that occurred since the phase started (`since`, epoch seconds):
    the parts' occurred_at ranges prune the rest, so a large `events` table does not slow the polls down (and with
    them the measurement, on the same two cores)."""
    client, seen = warehouse_client(), {}
    recent = "occurred_at >= {since:DateTime64(3, 'UTC')} AND type = {t:String}"
    sent_of = "toFloat64(toUnixTimestamp64Milli(occurred_at)) / 1000"
    since = datetime.fromtimestamp(since_epoch, timezone.utc)
    deadline = time.time() + max(120.0, n / 200)
    while True:
        now = time.time()
        landed = client.command(f"SELECT count() FROM events WHERE {recent}",
                                parameters={"t": f"bench.{run}.burst", "since": since})
        for probe, sent in client.query(f"SELECT JSONExtractInt(data, 'i'), {sent_of} FROM events WHERE {recent}",
                                        parameters={"t": f"bench.{run}.probe", "since": since}).result_rows:
            seen.setdefault(probe, (now - sent) * 1000)
        if int(landed) >= n and not producer.is_alive():
            return now, list(seen.values())
        if now > deadline:
            raise RuntimeError(f"only {landed}/{n} events landed")
        time.sleep(0.05)


def run_phase(phase: Phase, bootstrap: str, rate: float, topic: str) -> Result:
    run = "".join(c for c in uuid.uuid4().hex if c.isalpha())[:8] or "run"
    logs = Path(tempfile.mkdtemp(prefix="streams-bench-"))
    workers = start_workers(phase.workers, f"marketplace-streams-bench-{run}", phase.env, logs)
    try:
        load = os.getloadavg()[0]
        spawn = multiprocessing.get_context("spawn")
        first_sent = spawn.Value("d", 0.0)  # set by the producer as it starts sending: its start-up is not counted
        producer = spawn.Process(target=producer_process, args=(bootstrap, run, phase.events, rate, topic, first_sent))
        cpu_before = cpu_seconds(workers)
        since = time.time() - 60  # events occur as they are sent; a minute's slack for clocks
        producer.start()
        ended, probes = watch(run, phase.events, producer, since)
        seconds = ended - first_sent.value
        producer.join()
        cpu = cpu_seconds(workers) - cpu_before
    finally:
        stop(workers)
    warehouse_client().command("DELETE FROM events WHERE startsWith(type, {p:String})",
                               parameters={"p": f"bench.{run}."})  # bench rows are not marketplace history
    result = Result(phase, phase.events / seconds, probes, max(load, os.getloadavg()[0]), cpu / phase.events * 1e6)
    q = statistics.quantiles(probes, n=20) if len(probes) > 1 else probes * 19
    console.print(f"{phase.name}: {phase.events:,} events, {phase.workers} worker(s): {result.rate:,.0f} events/s; "
                  f"produce→queryable p50 {statistics.median(probes):.0f} ms, p95 {q[18]:.0f} ms "
                  f"({len(probes)} probes); worker CPU {result.cpu_us:.0f} µs/event; load avg {result.load:.1f}; logs {logs}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    parser.add_argument("--baseline-events", type=int, default=20_000, help="0 skips the old-path baseline")
    parser.add_argument("--rate", type=float, default=0, help="events/s the producer aims at (0: as fast as it can)")
    parser.add_argument("--lookup", default="recent", choices=["recent", "always"],
                        help="STREAMS_SINK_LOOKUP of the new path's workers (the worker's default is always)")
    parser.add_argument("--lanes", default="3",
                        help="STREAMS_SINK_LANES of the new path's workers, comma-separated: a phase per value")
    parser.add_argument("--topic", default=ORDERS.name, choices=[t.name for t in DOMAIN_TOPICS],
                        help="orders.v1 is also read by the real-time features; e.g. ops.v1 only by the sink")
    args = parser.parse_args()
    bootstrap = common_settings().kafka_bootstrap_servers
    console.print(f"CPUs: {os.cpu_count()}; load average at start {os.getloadavg()[0]:.1f}; topic {args.topic}")
    lookup = " (lookup always)" if args.lookup == "always" else ""
    phases = [Phase(f"new path x{n}, {lanes} lane(s){lookup}", n, args.events,
                    {"STREAMS_SINK_LOOKUP": args.lookup, "STREAMS_SINK_LANES": lanes})
              for n in map(int, args.workers.split(",")) for lanes in args.lanes.split(",")]
    if args.baseline_events:
        phases.insert(0, Phase("old path (baseline)", 1, args.baseline_events, OLD_PATH))
    results = [run_phase(phase, bootstrap, args.rate, args.topic) for phase in phases]
    base = results[0] if args.baseline_events else None
    for result in results[1 if base else 0:]:
        if base:
            console.print(f"ratio {result.phase.name} / baseline: {result.rate / base.rate:.1f}x events/s, "
                          f"{base.cpu_us / result.cpu_us:.1f}x less worker CPU per event")
    new = [r for r in results if r.phase.env != OLD_PATH]
    for result in new:
        single = next((r for r in new if r.phase.workers == 1 and r.phase.env == result.phase.env), None)
        if single is not None and result.phase.workers > 1:
            console.print(f"scaling {result.phase.name} / 1 worker: {result.rate / single.rate:.2f}x")
        one_lane = next((r for r in new if r.phase.workers == result.phase.workers
                         and r.phase.env["STREAMS_SINK_LANES"] == "1"), None)
        if one_lane is not None and result is not one_lane:
            console.print(f"lanes {result.phase.name} / 1 lane: {result.rate / one_lane.rate:.2f}x")


if __name__ == "__main__":
    main()
