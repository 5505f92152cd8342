"""Concurrent checkouts against the running stack: orders/s, latency percentiles and the oversell count.

    .venv/bin/python -m benchmarks.checkout [--shoppers 80] [--stock 50] [--concurrency 16] [--baseline 10]

Starts the API (`mkt serve`, as the demo does) if it is not running, seeds a vendor and one product with `stock`
units, gives every shopper one unit in their cart, then measures POST /v1/orders: first `baseline` shoppers one
at a time (the baseline), then the rest at `concurrency` in flight. More shoppers than units on purpose: the
losers must get 409, and nothing may be oversold or left reserved beyond the winners.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid

import httpx
from rich.console import Console
from rich.table import Table

from kernel.settings import stack_settings
from mkt.admin_cli import create_super_admin
from mkt.app_procs import app_processes, ensure_running
from simulator.api import bearer, ok
from simulator.flows import active_product, add_to_cart, approved_vendor, login, new_category, new_user

console = Console(width=160)
ADDRESS = {"line1": "1 Bench Street", "city": "Springfield", "postalCode": "12345", "country": "US"}


async def place(http: httpx.AsyncClient, shopper: dict) -> tuple[int, float]:
    started = time.perf_counter()
    resp = await http.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                           headers={**bearer(shopper["accessToken"]), "Idempotency-Key": uuid.uuid4().hex})
    return resp.status_code, time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def summarize(name: str, results: list[tuple[int, float]], wall: float) -> dict:
    lat = [t * 1000 for s, t in results]
    return {"phase": name, "requests": len(results), "created": sum(s == 201 for s, _ in results),
            "conflict_409": sum(s == 409 for s, _ in results), "other": sum(s not in (201, 409) for s, _ in results),
            "orders_per_s": sum(s == 201 for s, _ in results) / wall if wall else 0.0,
            "requests_per_s": len(results) / wall if wall else 0.0, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95),
            "p99_ms": pct(lat, 99)}


async def run(shoppers: int, stock: int, concurrency: int, baseline: int) -> None:
    settings = stack_settings()
    ensure_running(next(a for a in app_processes() if a.name == "api"))
    admin_email = "bench-admin@example.com"
    await create_super_admin(admin_email, "Bench-admin-pass-1", "Bench Admin")
    limits = httpx.Limits(max_connections=concurrency * 2)
    async with httpx.AsyncClient(base_url=settings.gateway_url, timeout=120, limits=limits) as http:
        admin = (await login(http, admin_email, "Bench-admin-pass-1"))["accessToken"]
        vendor = await approved_vendor(http, admin, f"Bench Shop {uuid.uuid4().hex[:6]}")
        category = await new_category(http, admin, name=f"Bench {uuid.uuid4().hex[:6]}")
        product = await active_product(http, admin, vendor, category_ids=[category["id"]], title="Bench Lamp",
                                       price_minor=2_500, stock=stock, weight_grams=300)
        gate = asyncio.Semaphore(concurrency)

        async def prepared() -> dict:
            async with gate:
                shopper = await new_user(http, "bench")
                await add_to_cart(http, shopper, product["sku"])
                return shopper

        console.print(f"seeding {shoppers} shoppers with one unit of {product['sku']} in their carts…")
        people = await asyncio.gather(*(prepared() for _ in range(shoppers)))

        started = time.perf_counter()
        sequential = [await place(http, s) for s in people[:baseline]]
        seq = summarize("sequential (baseline)", sequential, time.perf_counter() - started)

        async def limited(shopper: dict) -> tuple[int, float]:
            async with gate:
                return await place(http, shopper)

        started = time.perf_counter()
        concurrent = await asyncio.gather(*(limited(s) for s in people[baseline:]))
        conc = summarize(f"concurrent ({concurrency} in flight)", list(concurrent), time.perf_counter() - started)
        stock_now = ok(await http.get(f"/v1/inventory/{product['sku']}"), 200)

    sold = seq["created"] + conc["created"]
    oversold = max(0, sold - stock)
    table = Table(title=f"checkout benchmark — {shoppers} shoppers, {stock} units")
    for col in ("phase", "requests", "created", "conflict_409", "other", "orders_per_s", "p50_ms", "p95_ms",
                "p99_ms"):
        table.add_column(col, justify="right")
    for row in (seq, conc):
        table.add_row(*(f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in
                        ("phase", "requests", "created", "conflict_409", "other", "orders_per_s", "p50_ms", "p95_ms",
                         "p99_ms")))
    console.print(table)
    ratio = conc["requests_per_s"] / seq["requests_per_s"] if seq["requests_per_s"] else float("nan")
    console.print(f"throughput ratio concurrent/sequential: {ratio:.2f}x (requests/s)")
    console.print(f"orders created {sold} for {stock} units → oversold: {oversold}; inventory now: {stock_now}")
    if stock_now["reserved"] + stock_now["available"] != stock_now["onHand"] or stock_now["available"] < 0:
        console.print("[red]inventory numbers are inconsistent[/]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shoppers", type=int, default=80)
    parser.add_argument("--stock", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--baseline", type=int, default=10)
    args = parser.parse_args()
    if args.baseline >= args.shoppers:
        parser.error("--baseline must be smaller than --shoppers")
    asyncio.run(run(args.shoppers, args.stock, args.concurrency, args.baseline))


if __name__ == "__main__":
    main()
