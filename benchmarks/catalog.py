"""Catalog reads through the gateway at 16 clients: the list page and the product page by slug, uncached vs cached.

    .venv/bin/python -m benchmarks.catalog [--duration 10] [--clients 16] [--workers N]
                                           [--baseline cache|workers] [--baseline-workers 1]
                                           [--api http://127.0.0.1:8000]

Starts the API itself on its own port (`mkt serve`, rate limit raised through RATE_LIMIT_* settings,
COUNT_DB_ROUNDTRIPS on) twice and prints the ratio of the second run over the first (the baseline):
- `--baseline cache` (default): both with `--workers` (default: what `mkt serve` picks for this machine); the
  baseline with the catalog's read cache off (CATALOG_READ_CACHE_ENABLED=false: every read rendered from
  PostgreSQL, as before the cache), then with it on (apps/catalog/read_cache.py).
- `--baseline workers`: cache on in both, `--baseline-workers` processes first, then `--workers`.
Anonymous GETs, as a shopper browsing: `GET /v1/products?perPage=20` (pages 1–5), `GET /v1/products/{slug}` over
the slugs those pages hold, and the same product page revalidated with its ETag (If-None-Match → 304, no body).
Needs the local stack and some active products (`make demo`, or any test run, leaves them).
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

from benchmarks.loadgen import (Samples, add_server_options, api_server, closed_loop, machine, marginal_cpu, pct,
                                print_ratios, roundtrips_of)
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


async def get(http: httpx.AsyncClient, samples: Samples, name: str, url: str, params: dict | None = None,
              headers: dict | None = None, expect: int = 200) -> None:
    started = time.perf_counter()
    try:
        resp = await http.get(url, params=params, headers=headers)
    except httpx.HTTPError as exc:
        samples.error(name, f"{type(exc).__name__}: {exc}")
        return
    if resp.status_code != expect:
        samples.error(name, f"{resp.status_code} {resp.text}")
        return
    samples.record(name, (time.perf_counter() - started) * 1000, roundtrips_of(resp.headers))
    samples.completed += 1


async def measure(base: str, clients: int, duration: float, label: str, pid: int | None = None) -> list[dict]:
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        slugs = await slugs_of(http)
        etags = {slug: (await http.get(f"/v1/products/{slug}")).headers.get("etag", "") for slug in slugs}

        def revalidate(i: int, s: Samples):
            slug = random.choice(slugs)
            return get(http, s, "304", f"/v1/products/{slug}", headers={"If-None-Match": etags[slug]}, expect=304)

        workloads = {
            "list ?perPage=20": lambda i, s: get(http, s, "list", "/v1/products",
                                                 {"perPage": 20, "page": random.randint(1, 5)}),
            "product by slug": lambda i, s: get(http, s, "product", f"/v1/products/{random.choice(slugs)}"),
            "product, If-None-Match → 304": revalidate,
        }
        rows = []
        for name, one in workloads.items():
            await closed_loop(clients, 1.0, one)  # warm-up: connections, caches of the process
            samples, wall, cpu_ms = await marginal_cpu(pid, lambda: closed_loop(clients, duration, one))
            rows.append({"label": label, "workload": name, "samples": samples, "per_s": samples.completed / wall,
                         "cpu_ms": cpu_ms})
            console.print(f"  {label}: {name} → {samples.completed / wall:.0f} req/s")
    return rows


def report(rows: list[dict], clients: int) -> None:
    table = Table(title=f"catalog reads, {clients} clients")
    # "reads with db": the share of answers that touched PostgreSQL — with the cache on, its misses (first reads,
    # and every entry after a catalog write anywhere: other writers on the same stack show up here).
    for col in ("run", "workload", "req/s", "p50 ms", "p95 ms", "p99 ms", "db round-trips", "reads with db",
                "API CPU ms/req (over idle)", "errors"):
        table.add_column(col, justify="right")
    for r in rows:
        s: Samples = r["samples"]
        lat = next(iter(s.latency.values()), [])
        trips = next(iter(s.roundtrips.values()), [])
        table.add_row(r["label"], r["workload"], f"{r['per_s']:.0f}", f"{pct(lat, 50):.1f}", f"{pct(lat, 95):.1f}",
                      f"{pct(lat, 99):.1f}", f"{pct(trips, 50):.0f}" if trips else "–",
                      f"{sum(1 for t in trips if t) / len(trips):.1%}" if trips else "–",
                      f"{r['cpu_ms']:.1f}" if r.get("cpu_ms") is not None else "–", str(sum(s.errors.values())))
    console.print(table)
    for r in rows:
        for line in r["samples"].first_errors:
            console.print(f"[yellow]{r['label']} {r['workload']}:[/] {line}")


async def run(args: argparse.Namespace) -> None:
    console.print(machine())
    if args.api:
        report(await measure(args.api, args.clients, args.duration, "external API", args.api_pid), args.clients)
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
                # Ready is not settled: model loading, consumer group joins and relay catch-up run for a while
                # after /readyz, and would land on whichever workload comes first.
                await asyncio.sleep(args.settle)
                rows += await measure(server.base, args.clients, args.duration, label, server.pid)
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
    parser.add_argument("--settle", type=float, default=20.0, help="seconds between ready and measuring")
    parser.add_argument("--baseline", choices=("cache", "workers"), default="cache",
                        help="what the first run lacks: the read cache (default) or worker processes")
    parser.add_argument("--log-dir", default=str(stack_settings().stack_dir / "bench"))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
