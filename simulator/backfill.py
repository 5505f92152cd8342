"""`mkt simulate backfill`: D days of history as event envelopes on the real topics, plus the ground truth.

Two processes share the work on two cores: a forked child simulates and encodes (numpy + pydantic validation,
the CPU-heavy part) and streams each day's records through a bounded queue; this process publishes them in keyed
batches and shows progress. The child also hashes the stream (same seed → same hash) and exports the ground truth.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing as mp
import queue as queue_mod
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from simulator.config import SimConfig
from simulator.emitter import PRE_WINDOW
from simulator.engine import Simulation
from simulator.ground_truth import export
from simulator.publish import BatchPublisher, Record

QUEUE_DAYS = 8  # days buffered between the simulating child and the publisher


@dataclass
class BackfillReport:
    run_id: str
    seed: int
    days: int
    events: int = 0
    seconds: float = 0.0
    events_per_second: float = 0.0
    per_topic: dict[str, int] = field(default_factory=dict)
    per_type: dict[str, int] = field(default_factory=dict)
    stream_sha256: str = ""
    beyond_horizon: int = 0
    truth_totals: dict[str, int] = field(default_factory=dict)
    ground_truth_dir: str | None = None
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def events_per_day(self) -> float:
        return self.events / max(1, self.days)


def day_records(cfg: SimConfig) -> Iterator[tuple[int, list[Record], Any]]:
    """(day, records, simulation) for the pre-window setup (day -1) and each day, in this process."""
    sim = Simulation(cfg)
    yield PRE_WINDOW, [(m.topic, m.key, m.value) for m in sim.setup()], sim
    for day in range(cfg.days):
        yield day, [(m.topic, m.key, m.value) for m in sim.run_day(day)], sim


def stream_hash(records: list[Record], digest) -> None:
    for topic, key, value in records:
        digest.update(topic.encode())
        digest.update(key)
        digest.update(value)


def _child(cfg: SimConfig, out: mp.Queue, truth_dir: str | None) -> None:
    """Runs in the child process: simulate, hash, hand over each day, then export the ground truth."""
    try:
        digest, sim = hashlib.sha256(), None
        for day, records, sim in day_records(cfg):
            stream_hash(records, digest)
            out.put(("day", day, records))
        summary = {"stream_sha256": digest.hexdigest(), "per_type": dict(sim.encoder.counts),
                   "beyond_horizon": sim.em.beyond_horizon, "truth_totals": sim.truth.totals()}
        if truth_dir is not None:
            export(sim, Path(truth_dir), {"run_id": cfg.run_id, "config": cfg.as_dict(), **summary})
        out.put(("done", summary, None))
    except BaseException as exc:  # noqa: BLE001 - the parent must hear about any failure, not wait forever
        out.put(("error", f"{type(exc).__name__}: {exc}", None))
        raise


async def _next(q: mp.Queue, proc: mp.Process) -> tuple:
    loop = asyncio.get_running_loop()
    while True:
        try:
            return await loop.run_in_executor(None, q.get, True, 1.0)
        except queue_mod.Empty:
            if not proc.is_alive():
                raise RuntimeError(f"the simulator process died (exit code {proc.exitcode})") from None


def _start_child(cfg: SimConfig, truth_dir: Path | None) -> tuple[mp.Process, mp.Queue]:
    # fork, not spawn: the child inherits the imported modules (no second start-up) and never re-runs the
    # caller's __main__; it starts before the producer's threads exist and touches no event loop.
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue(maxsize=QUEUE_DAYS)
    proc = ctx.Process(target=_child, args=(cfg, q, str(truth_dir) if truth_dir else None), daemon=True,
                       name="simulator")
    proc.start()
    return proc, q


async def _publish(q: mp.Queue, proc: mp.Process, publisher: BatchPublisher, report: BackfillReport,
                   on_day: Callable[[int, int], None] | None) -> dict:
    """Publish each day as it arrives; returns the child's closing summary."""
    while True:
        kind, payload, records = await _next(q, proc)
        if kind == "error":
            raise RuntimeError(f"simulation failed: {payload}")
        if kind == "done":
            await publisher.flush()
            return payload
        await publisher.send(records)
        report.events += len(records)
        if on_day:
            on_day(payload, len(records))


async def run_backfill(cfg: SimConfig, *, truth_dir: Path | None = None, bootstrap_servers: str | None = None,
                       on_day: Callable[[int, int], None] | None = None) -> BackfillReport:
    """Simulate `cfg` and publish it; `on_day(day, records)` is called as each day is on its way."""
    report = BackfillReport(run_id=cfg.run_id, seed=cfg.seed, days=cfg.days, config=cfg.as_dict(),
                            ground_truth_dir=str(truth_dir) if truth_dir else None)
    publisher = BatchPublisher(bootstrap_servers)
    started = time.perf_counter()
    proc, q = _start_child(cfg, truth_dir)
    try:
        await publisher.start()
        summary = await _publish(q, proc, publisher, report, on_day)
    finally:
        await publisher.stop()
        proc.join(timeout=5)  # done: the child has exported and is leaving; failed: it may block on the queue
        if proc.is_alive():
            proc.terminate()
    report.seconds = round(time.perf_counter() - started, 2)
    report.events_per_second = round(report.events / max(report.seconds, 1e-9))
    report.per_topic = dict(sorted(publisher.sent.items()))
    for name in ("stream_sha256", "per_type", "beyond_horizon", "truth_totals"):
        setattr(report, name, summary[name])
    if truth_dir is not None:
        _merge_manifest(truth_dir, report)
    return report


def _merge_manifest(truth_dir: Path, report: BackfillReport) -> None:
    path = truth_dir / "manifest.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    manifest["backfill"] = {k: v for k, v in asdict(report).items() if k not in ("config", "per_type")}
    manifest["backfill"]["events_per_day"] = round(report.events_per_day, 1)
    path.write_text(json.dumps(manifest, indent=2, default=str))
