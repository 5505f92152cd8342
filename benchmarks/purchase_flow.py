"""The full purchase loop through the gateway, one closed loop per buyer, at several buyer counts.

    .venv/bin/python -m benchmarks.purchase_flow [--duration 15] [--buyers 1,8,32] [--workers N]
                                                 [--baseline-workers 1] [--api http://127.0.0.1:8000]

One loop: add 1–2 lines to the cart → POST /v1/orders (inline address, Idempotency-Key) → POST /v1/payments/intent
→ a signed payment_intent.succeeded webhook (Stripe's scheme with WEBHOOK_SECRET, as the provider sends it).

The benchmark starts the API itself on its own port (`mkt serve`, rate limit raised through RATE_LIMIT_* settings,
COUNT_DB_ROUNDTRIPS on so each answer says how many database round-trips it cost), twice: first with
`--baseline-workers` worker processes (the baseline), then with `--workers` (default: what `mkt serve` picks for
this machine), and prints the ratio. `--api URL` measures an API that is already running instead (no baseline).
After /readyz it runs `--warmup` seconds of unmeasured purchases, then waits until the API's CPU is quiet
(loadgen.settle), so the first level does not measure start-up work (Feast opened by the first fraud score, etc.).
After each level it waits the same way and prints how long that took ("API quiet after s": at least 2 s by
construction, at most 90): the event reactions run behind the requests, and a level whose reactions fell behind
keeps the API busy after its buyers stop (and would otherwise eat into the next level).
The seeded vendor, products and buyers are kept in STACK_DIR/bench/purchase_world.json and reused by later runs
(`--fresh-world` seeds anew).
Needs the local stack (`mkt stack up`). Access tokens live 15 minutes: keep the whole run shorter.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from apps.payments.config import PaymentsSettings
from apps.payments.providers import signature
from apps.payments.providers.simulated import event, intent_object
from benchmarks.loadgen import (Samples, add_server_options, api_server, closed_loop, machine, marginal_cpu, pct,
                                print_ratios, roundtrips_of, settle)
from kernel.settings import stack_settings
from mkt.admin_cli import create_super_admin
from simulator.api import bearer
from simulator.flows import active_product, add_to_cart, approved_vendor, login, new_category, new_user

console = Console(width=170)
ADDRESS = {"line1": "1 Bench Street", "city": "Springfield", "postalCode": "12345", "country": "US"}
STEPS = ("cart", "order", "intent", "webhook", "flow")
ADMIN = ("bench-admin@example.com", "Bench-admin-pass-1")
WEBHOOK_SECRET = PaymentsSettings().webhook_secret


async def seeded(http: httpx.AsyncClient, products: int, buyers: int, cache: Path) -> tuple[list[str], list[dict]]:
    """The world of an earlier run (its SKUs and buyers, logged in afresh) when `cache` holds one with enough
    buyers: seeding waits on event-fed projections, which takes minutes on a busy machine."""
    if cache.exists():
        known = json.loads(cache.read_text())
        if len(known["buyers"]) >= buyers:
            people = [{**b, **await login(http, b["email"], b["password"])} for b in known["buyers"][:buyers]]
            return known["skus"], people
    skus, people = await seed(http, products, buyers)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"skus": skus, "buyers": [{"email": p["email"], "password": p["password"]}
                                                          for p in people]}))
    return skus, people


async def seed(http: httpx.AsyncClient, products: int, buyers: int) -> tuple[list[str], list[dict]]:
    await create_super_admin(ADMIN[0], ADMIN[1], "Bench Admin")
    admin = (await login(http, *ADMIN))["accessToken"]
    vendor = await approved_vendor(http, admin, f"Purchase Bench {uuid.uuid4().hex[:6]}")
    category = await new_category(http, admin, name=f"Bench {uuid.uuid4().hex[:6]}")
    skus = [(await active_product(http, admin, vendor, category_ids=[category["id"]], title=f"Bench item {i}",
                                  price_minor=1_000 + 100 * i, stock=1_000_000, weight_grams=300))["sku"]
            for i in range(products)]
    gate = asyncio.Semaphore(4)  # argon2 hashing per registration: a burst of 32 only queues for the pool

    async def buyer() -> dict:
        async with gate:
            return await new_user(http, "buyer")

    people = list(await asyncio.gather(*(buyer() for _ in range(buyers))))
    for sku in skus:  # the cart's product projection is event-fed: wait until it sells every SKU
        await add_to_cart(http, people[0], sku)
    await purchase(http, people[0], [], Samples())  # clears that cart through a first order
    return skus, people


def webhook_body(intent: dict, *, succeeded: bool = True) -> tuple[bytes, dict[str, str]]:
    """The provider's signed callback for this intent: paid, or declined (payment_intent.payment_failed)."""
    body = event("payment_intent.succeeded" if succeeded else "payment_intent.payment_failed", intent_object(
        intent["intentId"], amount_minor=intent["amountMinor"], currency=intent["currency"],
        order_no=intent["orderNo"], status="succeeded" if succeeded else "requires_payment_method",
        failure_code=None if succeeded else "card_declined"))
    payload = json.dumps(body, separators=(",", ":")).encode()
    return payload, {"Stripe-Signature": signature.header(payload, PaymentsSettings().webhook_secret),
                     "Content-Type": "application/json"}


async def purchase(http: httpx.AsyncClient, buyer: dict, skus: list[str], samples: Samples) -> None:
    auth = bearer(buyer["accessToken"])
    flow_started = time.perf_counter()

    async def step(name: str, expect: tuple[int, ...], calls) -> httpx.Response | None:
        started, trips, resp = time.perf_counter(), 0, None
        for call in calls:
            try:
                resp = await call()
            except httpx.HTTPError as exc:
                samples.error(name, f"{type(exc).__name__}: {exc}")
                return None
            if resp.status_code not in expect:
                samples.error(name, f"{resp.status_code} {resp.text}")
                return None
            trips += roundtrips_of(resp.headers) or 0
        samples.record(name, (time.perf_counter() - started) * 1000, trips)
        return resp

    lines = random.sample(skus, k=random.choice((1, 2))) if skus else []
    if lines and await step("cart", (200, 201), [
            lambda sku=sku: http.post("/v1/cart/items", json={"sku": sku, "qty": 1}, headers=auth)
            for sku in lines]) is None:
        return
    order = await step("order", (201,), [lambda: http.post(
        "/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex})])
    if order is None:
        return
    intent = await step("intent", (201,), [lambda: http.post(
        "/v1/payments/intent", json={"orderNo": order.json()["orderNo"]},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex})])
    if intent is None:
        return
    payload, headers = webhook_body(intent.json())
    if await step("webhook", (200,), [lambda: http.post("/v1/payments/webhook", content=payload,
                                                        headers=headers)]) is None:
        return
    samples.record("flow", (time.perf_counter() - flow_started) * 1000, None)
    samples.completed += 1


async def measure(base: str, levels: list[int], duration: float, label: str, cache: Path,
                  pid: int | None = None, warmup: float = 3.0) -> list[dict]:
    limits = httpx.Limits(max_connections=max(levels) + 8, max_keepalive_connections=max(levels) + 8)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        skus, people = await seeded(http, products=8, buyers=max(levels), cache=cache)
        if warmup > 0:  # the first purchases fill pools and open what reactions open lazily (Feast for fraud)
            await closed_loop(min(levels), warmup, lambda i, s: purchase(http, people[i], skus, s))
        if pid:
            console.print(f"  {label}: settled {await settle(pid):.0f} s after ready and warm-up")
        rows = []
        for level in levels:
            samples, wall, cpu_ms = await marginal_cpu(pid, lambda: closed_loop(
                level, duration, lambda i, s: purchase(http, people[i], skus, s)))
            # The reactions (e-mails, projections, search stock, earnings) run behind the requests: how long the
            # API stays busy once the buyers stop says whether they kept up, and the next level starts settled.
            caught_up = await settle(pid) if pid else None
            rows.append({"label": label, "buyers": level, "wall": wall, "samples": samples,
                         "per_s": samples.completed / wall, "cpu_ms": cpu_ms, "caught_up": caught_up})
            console.print(f"  {label}: {level} buyers → {samples.completed / wall:.1f} purchases/s")
    return rows


def report(rows: list[dict]) -> None:
    summary = Table(title="full purchases (flow = cart + order + intent + webhook)")
    for col in ("run", "buyers", "purchases/s", "flow p50 ms", "flow p95 ms", "flow p99 ms", "API CPU ms/purchase (over idle)",
                "API quiet after s", "errors"):
        summary.add_column(col, justify="right")
    for r in rows:
        flow = r["samples"].latency.get("flow", [])
        cpu = f"{r['cpu_ms']:.0f}" if r.get("cpu_ms") is not None else "–"
        quiet = f"{r['caught_up']:.0f}" if r.get("caught_up") is not None else "–"
        summary.add_row(r["label"], str(r["buyers"]), f"{r['per_s']:.1f}", f"{pct(flow, 50):.0f}",
                        f"{pct(flow, 95):.0f}", f"{pct(flow, 99):.0f}", cpu, quiet, str(sum(r["samples"].errors.values())))
    console.print(summary)
    steps = Table(title="per step: latency ms p50 / p95 / p99 · database round-trips (median, max) · errors")
    for col in ("run", "buyers", *STEPS[:-1]):
        steps.add_column(col, justify="right")
    for r in rows:
        s: Samples = r["samples"]
        cells = []
        for name in STEPS[:-1]:
            lat, trips = s.latency.get(name, []), s.roundtrips.get(name, [])
            rt = f"{pct(trips, 50):.0f}, {max(trips)}" if trips else "–"
            cells.append(f"{pct(lat, 50):.0f}/{pct(lat, 95):.0f}/{pct(lat, 99):.0f} · rt {rt} · err {s.errors.get(name, 0)}")
        steps.add_row(r["label"], str(r["buyers"]), *cells)
    console.print(steps)
    for r in rows:
        for line in r["samples"].first_errors:
            console.print(f"[yellow]{r['label']} {r['buyers']} buyers, first errors:[/] {line}")


async def run(args: argparse.Namespace) -> None:
    levels = [int(x) for x in args.buyers.split(",")]
    console.print(machine())
    logs = Path(args.log_dir)
    cache = logs / "purchase_world.json"
    if args.fresh_world:
        cache.unlink(missing_ok=True)
    if args.api:
        report(await measure(args.api, levels, args.duration, "external API", cache, args.api_pid, args.warmup))
        return
    rows = []
    runs = ([(f"baseline ({args.baseline_workers} worker)", args.baseline_workers)] if args.baseline_workers else [])
    runs.append((f"workers={args.workers or 'default'}", args.workers))
    for label, workers in runs:
        with api_server(args.port, workers=workers, log_dir=logs) as server:
            rows += await measure(server.base, levels, args.duration, label, cache, server.pid, args.warmup)
    report(rows)
    if args.baseline_workers:
        print_ratios(console, rows, "buyers", "purchases/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per buyer level (longer: e.g. 60)")
    parser.add_argument("--buyers", default="1,8,32")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured purchases before the levels")
    add_server_options(parser, port=8710)
    parser.add_argument("--fresh-world", action="store_true", help="seed a new vendor, products and buyers")
    parser.add_argument("--log-dir", default=str(stack_settings().stack_dir / "bench"))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
