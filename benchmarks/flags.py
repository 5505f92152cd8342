"""Feature-flag reads in a request path: what `FeatureFlags.variant` costs, beside a bare Redis HGET measured in the
same run (the baseline: the least any Redis-backed flag read can cost).

    .venv/bin/python -m benchmarks.flags [--reads 20000]

Against the local stack's Redis, in a hash of its own (removed afterwards). Rows: the pure sticky hashing alone;
`variant` with the in-process cache (the normal case: one Redis read per flag per cache window); `variant` with the
cache off (every call reads Redis, parses and hashes); the bare HGET.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import redis.asyncio as redis
from rich.console import Console
from rich.table import Table

from kernel.flags import FeatureFlags, Flag, choose_variant
from kernel.settings import common_settings

console = Console(width=140)
AB = Flag("reco_ab_test", enabled=True, variants={"champion": 90, "challenger": 10})


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


async def timed(call, n: int) -> list[float]:
    out = []
    for i in range(n):
        started = time.perf_counter()
        await call(i)
        out.append((time.perf_counter() - started) * 1e6)
    return out


async def main(reads: int) -> None:
    client = redis.from_url(common_settings().redis_url)
    key = f"ff:bench:{uuid.uuid4().hex[:8]}"
    try:
        await FeatureFlags(client, hash_key=key).put(AB)
        cached = FeatureFlags(client, cache_seconds=2.0, hash_key=key)
        uncached = FeatureFlags(client, cache_seconds=0.0, hash_key=key)

        async def pure(i: int) -> None:
            choose_variant(AB.key, f"user-{i}", AB.variants)

        rows = {
            "pure hashing (choose_variant)": await timed(pure, reads),
            "variant(), cache 2 s": await timed(lambda i: cached.variant(AB.key, f"user-{i}"), reads),
            "variant(), cache off": await timed(lambda i: uncached.variant(AB.key, f"user-{i}"), reads),
            "baseline: bare HGET": await timed(lambda i: client.hget(key, AB.key), reads),
        }
        shares = [await cached.variant(AB.key, f"user-{i}") for i in range(reads)]
    finally:
        await client.delete(key)
        await client.aclose()
    base = pct(rows["baseline: bare HGET"], 0.5)
    table = Table(title=f"Feature-flag reads, {reads} each (µs)")
    for col in ("path", "p50", "p99", "p50 / HGET p50"):
        table.add_column(col, justify="left" if col == "path" else "right")
    for name, values in rows.items():
        table.add_row(name, f"{pct(values, 0.5):.1f}", f"{pct(values, 0.99):.1f}", f"{pct(values, 0.5) / base:.2f}")
    console.print(table)
    console.print(f"challenger share over {reads} users: {shares.count('challenger') / reads:.4f} (configured 0.10)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().reads))
