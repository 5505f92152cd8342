"""What the API load benchmarks share: an API started for the run (its own port, the rate limit lifted through
configuration, round-trip counting on), closed-loop clients for a fixed duration, percentiles."""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kernel.settings import REPO_ROOT

# A budget no benchmark client reaches: the limit stays on, only its configuration is raised.
LIFTED_LIMITS = {"RATE_LIMIT_PER_MINUTE": "100000000", "RATE_LIMIT_BURST": "10000000"}


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"CPUs: {os.cpu_count()} · load average before the run: {load}"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants: the API's cost per purchase does
    not depend on how busy the rest of the machine is, unlike its latency."""
    total, todo, tick = 0.0, [root_pid], os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        todo += _children(pid)
    return total


async def marginal_cpu(pid: int | None, run: Callable[[], Awaitable[tuple[Samples, float]]],
                       idle_seconds: float = 3.0) -> tuple[Samples, float, float | None]:
    """(samples, wall, API CPU ms per completed loop beyond its idle rate): the background loops' idle CPU (outbox
    relays, consumers: a fifth of a core) is measured just before and taken out, else it dominates at low rates."""
    if not pid:
        samples, wall = await run()
        return samples, wall, None
    before = cpu_seconds(pid)
    await asyncio.sleep(idle_seconds)
    idle_rate = (cpu_seconds(pid) - before) / idle_seconds
    start = cpu_seconds(pid)
    samples, wall = await run()
    used = cpu_seconds(pid) - start - idle_rate * wall
    return samples, wall, (used * 1000 / samples.completed if samples.completed else None)


async def settle(pid: int, *, quiet_share: float = 0.35, longest: float = 90.0) -> float:
    """Wait until the API has settled after /readyz (models loaded, consumer groups joined, relays caught up): its
    processes used under `quiet_share` of a core for two seconds running, or `longest` seconds passed. Returns the
    seconds waited. Without it the first level measured whatever start-up work was still running."""
    started = time.monotonic()
    quiet = 0
    last = cpu_seconds(pid)
    while quiet < 2 and time.monotonic() - started < longest:
        await asyncio.sleep(1.0)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < quiet_share else 0
        last = now
    return time.monotonic() - started


@dataclass
class Server:
    base: str
    pid: int


@contextmanager
def api_server(port: int, *, workers: int | None, log_dir: Path, extra_args: list[str] | None = None,
               timeout: float = 300.0, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`mkt serve` on 127.0.0.1:`port` for the duration of the block; yields its base URL and process id."""
    cmd = [str(Path(sys.executable).with_name("mkt")), "serve", "--port", str(port), *(extra_args or [])]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    # Consumers in groups of this run, which start at the topics' end: the demo's default groups may carry a backlog
    # (a day of test traffic once cost a run 60 % of its throughput while the API caught up on it).
    suffix = os.environ.get("CONSUMER_GROUP_SUFFIX") or f"-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **LIFTED_LIMITS, "COUNT_DB_ROUNDTRIPS": "true", "LOG_LEVEL": "WARNING",
           "CONSUMER_GROUP_SUFFIX": suffix, **(env or {})}
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"api-{port}-w{workers}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the API exited ({proc.returncode}); see {log_path}")
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=3) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the API was not ready in {timeout:.0f}s; see {log_path}")
            time.sleep(0.5)
        yield Server(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Samples:
    """Latencies (ms), database round-trips and errors per step, and how many loops completed."""

    latency: dict[str, list[float]] = field(default_factory=dict)
    roundtrips: dict[str, list[int]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    completed: int = 0

    def record(self, step: str, ms: float, roundtrips: int | None) -> None:
        self.latency.setdefault(step, []).append(ms)
        if roundtrips is not None:
            self.roundtrips.setdefault(step, []).append(roundtrips)

    def error(self, step: str, detail: str) -> None:
        self.errors[step] = self.errors.get(step, 0) + 1
        if len(self.first_errors) < 5:
            self.first_errors.append(f"{step}: {detail[:200]}")


def roundtrips_of(headers) -> int | None:
    """The X-DB-Roundtrips answer (one per process the request crossed, summed)."""
    values = headers.get_list("x-db-roundtrips")
    return sum(int(v) for v in values) if values else None


async def closed_loop(clients: int, duration: float, one: Callable[[int, Samples], Awaitable[None]]) -> tuple[Samples, float]:
    """`clients` loops each calling `one(client_index, samples)` back to back until `duration` has passed."""
    samples = Samples()
    deadline = time.perf_counter() + duration

    async def loop(index: int) -> None:
        while time.perf_counter() < deadline:
            await one(index, samples)

    started = time.perf_counter()
    await asyncio.gather(*(loop(i) for i in range(clients)))
    return samples, time.perf_counter() - started


def add_server_options(parser: argparse.ArgumentParser, *, port: int) -> None:
    """The options both API benchmarks share: which API, how many workers, the baseline."""
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: mkt serve's)")
    parser.add_argument("--baseline-workers", type=int, default=1, help="0 skips the baseline run")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--api", default=None, help="measure a running API at this URL instead (no baseline)")
    parser.add_argument("--api-pid", type=int, default=None, help="with --api: its process, for CPU per request")


def print_ratios(console, rows: list[dict], key: str, unit: str) -> None:
    """Per `key` value (buyers, workload): the measured run's throughput over the baseline's, same run."""
    for value in {r[key]: None for r in rows}:
        base_row, new_row = [r for r in rows if r[key] == value]
        ratio = new_row["per_s"] / base_row["per_s"] if base_row["per_s"] else float("nan")
        console.print(f"{value} {key}: {new_row['label']} / baseline = {ratio:.2f}x {unit}")
