"""Catalog reads through the gateway at 16 clients: the list page and the product page by slug, uncached vs cached.

    .venv/bin/python -m benchmarks.catalog [--duration 10] [--clients 16] [--workers N]
                                           [--baseline cache|workers] [--baseline-workers 1]
                                           [--client raw|httpx] [--api http://127.0.0.1:8000]

Starts the API itself on its own port (`mkt serve`, rate limit raised through RATE_LIMIT_* settings,
COUNT_DB_ROUNDTRIPS on) twice and prints the ratio of the second run over the first (the baseline):
- `--baseline cache` (default): both with `--workers` (default: what `mkt serve` picks for this machine); the
  baseline with the catalog's read cache off (CATALOG_READ_CACHE_ENABLED=false: every read rendered from
  PostgreSQL, as before the cache), then with it on (apps/catalog/read_cache.py).
- `--baseline workers`: cache on in both, `--baseline-workers` processes first, then `--workers`.
Anonymous GETs, as a shopper browsing: `GET /v1/products?perPage=20` (pages 1–5), `GET /v1/products/{slug}` over
the slugs those pages hold, and the same product page revalidated with its ETag (If-None-Match → 304, no body).
Needs the local stack and some active products (`make demo`, or any test run, leaves them).

The load comes from this process, on the same machine: `--client raw` (default, benchmarks/rawhttp.py: one
keep-alive connection per client, tens of microseconds per request) or `--client httpx` (as before: httpx cost
about as much CPU per request as a cached read costs the API, so it, not the API, set the figure on 2 cores).
Besides latency, each row shows CPU per request of the API's web workers (the processes listening on the port;
the background process is left out: its loops do not serve requests) and of this load generator — figures that
do not depend on what else runs on the machine, unlike req/s.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from benchmarks.loadgen import (Samples, _children, add_server_options, api_server, closed_loop, machine, pct,
                                print_ratios, settle)
from benchmarks.rawhttp import RawConnection, RawResponse
from kernel.settings import stack_settings

console = Console(width=150)


async def slugs_of(http: httpx.AsyncClient) -> list[str]:
    out: list[str] = []
    for page in range(1, 6):
        resp = await http.get("/v1/products", params={"perPage": 20, "page": page})
        resp.raise_for_status()
        out += [item["slug"] for item in resp.json()["items"]]
    if not out:
        raise SystemExit("no active products: seed some first (make demo)")
    return out


async def get(http, samples: Samples, name: str, url: str, params: dict | None = None,
              headers: dict | None = None, expect: int = 200) -> None:
    """One GET through `http` (a RawConnection or an httpx client), timed and checked."""
    started = time.perf_counter()
    try:
        resp = await http.get(url, params=params, headers=headers)
    except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
        samples.error(name, f"{type(exc).__name__}: {exc}")
        return
    if resp.status_code != expect:
        samples.error(name, f"{resp.status_code} {resp.text}")
        return
    trips = (resp.header_list("x-db-roundtrips") if isinstance(resp, RawResponse)
             else resp.headers.get_list("x-db-roundtrips"))
    samples.record(name, (time.perf_counter() - started) * 1000, sum(int(v) for v in trips) if trips else None)
    samples.completed += 1


def listening_workers(root_pid: int, port: int) -> list[int]:
    """The API's processes holding a listening socket on `port`: its web workers (not the background process)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        todo += _children(pid)
        try:
            fds = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if inodes & set(fds):
            found.append(pid)
    return found


def own_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) of exactly these processes, threads included."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def measure(base: str, clients: int, duration: float, label: str, *, workers: list[int], client: str
                  ) -> list[dict]:
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as setup:
        slugs = await slugs_of(setup)
        etags = {slug: (await setup.get(f"/v1/products/{slug}")).headers.get("etag", "") for slug in slugs}
        conns = ([RawConnection(base) for _ in range(clients)] if client == "raw" else [setup] * clients)

        def revalidate(i: int, s: Samples):
            slug = random.choice(slugs)
            return get(conns[i], s, "304", f"/v1/products/{slug}", headers={"If-None-Match": etags[slug]},
                       expect=304)

        workloads = {
            "list ?perPage=20": lambda i, s: get(conns[i], s, "list", "/v1/products",
                                                 {"perPage": 20, "page": random.randint(1, 5)}),
            "product by slug": lambda i, s: get(conns[i], s, "product", f"/v1/products/{random.choice(slugs)}"),
            "product, If-None-Match → 304": revalidate,
        }
        rows = []
        try:
            for name, one in workloads.items():
                await closed_loop(clients, 1.0, one)  # warm-up: connections, caches of the process
                api_before, own_before = own_cpu(workers), time.process_time()
                samples, wall = await closed_loop(clients, duration, one)
                done = samples.completed or 1
                rows.append({"label": label, "workload": name, "samples": samples, "per_s": samples.completed / wall,
                             "cpu_ms": (own_cpu(workers) - api_before) * 1000 / done if workers else None,
                             "client_ms": (time.process_time() - own_before) * 1000 / done,
                             "load": os.getloadavg()[0]})
                console.print(f"  {label}: {name} → {samples.completed / wall:.0f} req/s")
        finally:
            if client == "raw":
                for conn in conns:
                    conn.close()
    return rows


def report(rows: list[dict], clients: int) -> None:
    table = Table(title=f"catalog reads, {clients} clients")
    # "reads with db": the share of answers that touched PostgreSQL — with the cache on, its misses (first reads,
    # and every entry after a catalog write anywhere: other writers on the same stack show up here).
    for col in ("run", "workload", "req/s", "p50 ms", "p95 ms", "p99 ms", "db round-trips", "reads with db",
                "API web workers CPU ms/req", "load gen CPU ms/req", "load avg", "errors"):
        table.add_column(col, justify="right")
    for r in rows:
        s: Samples = r["samples"]
        lat = next(iter(s.latency.values()), [])
        trips = next(iter(s.roundtrips.values()), [])
        table.add_row(r["label"], r["workload"], f"{r['per_s']:.0f}", f"{pct(lat, 50):.1f}", f"{pct(lat, 95):.1f}",
                      f"{pct(lat, 99):.1f}", f"{pct(trips, 50):.0f}" if trips else "–",
                      f"{sum(1 for t in trips if t) / len(trips):.1%}" if trips else "–",
                      f"{r['cpu_ms']:.2f}" if r.get("cpu_ms") is not None else "–", f"{r['client_ms']:.2f}",
                      f"{r['load']:.1f}", str(sum(s.errors.values())))
    console.print(table)
    for r in rows:
        for line in r["samples"].first_errors:
            console.print(f"[yellow]{r['label']} {r['workload']}:[/] {line}")


async def run(args: argparse.Namespace) -> None:
    console.print(machine())
    if args.api:
        workers = listening_workers(args.api_pid, int(args.api.rsplit(":", 1)[1])) if args.api_pid else []
        report(await measure(args.api, args.clients, args.duration, "external API", workers=workers,
                             client=args.client), args.clients)
        return
    workers = f"workers={args.workers or 'default'}"
    if args.baseline == "cache":
        runs = [(f"read cache off, {workers}", args.workers, "false"),
                (f"read cache on, {workers}", args.workers, "true")]
    else:
        runs = ([(f"baseline ({args.baseline_workers} worker)", args.baseline_workers, "true")]
                if args.baseline_workers else [])
        runs.append((workers, args.workers, "true"))
    rows = []
    for label, n, cache in runs:
        os.environ["CATALOG_READ_CACHE_ENABLED"] = cache  # mkt serve's processes inherit it
        try:
            with api_server(args.port, workers=n, log_dir=Path(args.log_dir)) as server:
                # Ready is not settled: model loading (the serving service imports its model libraries in a
                # thread, seconds of CPU per worker), consumer group joins and relay catch-up run for a while after
                # /readyz, and would land on whichever workload comes first.
                waited = await settle(server.pid)
                await asyncio.sleep(args.settle)
                console.print(f"  {label}: settled after {waited:.0f} s + {args.settle:.0f} s")
                rows += await measure(server.base, args.clients, args.duration, label,
                                      workers=listening_workers(server.pid, args.port), client=args.client)
        finally:
            os.environ.pop("CATALOG_READ_CACHE_ENABLED", None)
    report(rows, args.clients)
    console.print(f"load average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if len(runs) == 2:
        print_ratios(console, rows, "workload", "req/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per workload")
    parser.add_argument("--clients", type=int, default=16)
    add_server_options(parser, port=8711)
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to wait once the API's CPU is quiet after ready, before measuring")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: raw keep-alive HTTP/1.1 (cheap) or httpx (as before)")
    parser.add_argument("--baseline", choices=("cache", "workers"), default="cache",
                        help="what the first run lacks: the read cache (default) or worker processes")
    parser.add_argument("--log-dir", default=str(stack_settings().stack_dir / "bench"))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
