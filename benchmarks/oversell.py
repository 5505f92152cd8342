"""Oversell under a storm: buyers race for 3 SKUs in multi-line carts while payments randomly fail, some buyers
abandon their orders (the reservation expires and the sweepers give the units back) and the losers keep retrying.

    .venv/bin/python -m benchmarks.oversell [--buyers 200] [--stock 12,8,5] [--fail 0.25] [--abandon 0.15]
                                            [--duration 120] [--workers N]

Starts its own API (`mkt serve`, RESERVATION_TTL_MINUTES=1 so abandoned reservations expire within the run, the
rate limit lifted through configuration). Every buyer puts 1–3 of the SKUs (1–2 units each) in the cart, then loops:
POST /v1/orders; on 201 it either abandons the order, or creates the payment intent and sends a signed
payment_intent.succeeded or payment_intent.payment_failed webhook; on 409 (sold out) it waits 1–5 s and tries again
until the duration ends, since failed and expired orders bring units back. Afterwards it waits until no unit is
reserved and prints, per SKU: the starting stock, the units of paid orders, what inventory says (on hand, reserved,
available) and the oversold units (paid − starting stock, never below 0). The books balance when on hand = starting
stock − paid units and nothing stays reserved.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from benchmarks.loadgen import api_server, machine
from benchmarks.purchase_flow import webhook_body
from kernel.settings import stack_settings
from mkt.admin_cli import create_super_admin
from simulator.api import bearer
from simulator.flows import active_product, add_to_cart, approved_vendor, login, new_category, new_user

console = Console(width=160)
ADDRESS = {"line1": "1 Storm Street", "city": "Springfield", "postalCode": "12345", "country": "US"}
ADMIN = ("oversell-admin@example.com", "Oversell-admin-pass-1")


async def seed(http: httpx.AsyncClient, stock: list[int], buyers: int) -> tuple[list[str], list[dict]]:
    await create_super_admin(ADMIN[0], ADMIN[1], "Oversell Admin")
    admin = (await login(http, *ADMIN))["accessToken"]
    vendor = await approved_vendor(http, admin, f"Storm Shop {uuid.uuid4().hex[:6]}")
    category = await new_category(http, admin, name=f"Storm {uuid.uuid4().hex[:6]}")
    skus = [(await active_product(http, admin, vendor, category_ids=[category["id"]], title=f"Storm item {i}",
                                  price_minor=1_500 + 250 * i, stock=units, weight_grams=400))["sku"]
            for i, units in enumerate(stock)]
    gate = asyncio.Semaphore(4)  # argon2 per registration: more at once only queues

    async def buyer() -> dict:
        async with gate:
            person = await new_user(http, "storm")
            lines = {sku: random.choice((1, 2)) for sku in random.sample(skus, k=random.randint(1, len(skus)))}
            for sku, qty in lines.items():
                await add_to_cart(http, person, sku, qty)
            return {**person, "lines": lines}

    return skus, list(await asyncio.gather(*(buyer() for _ in range(buyers))))


async def storm(http: httpx.AsyncClient, people: list[dict], *, fail: float, abandon: float,
                duration: float) -> tuple[Counter, Counter]:
    """Outcome counts, and the units of paid orders per SKU (from the orders' own lines)."""
    outcomes: Counter = Counter()
    paid_units: Counter = Counter()
    end = time.monotonic() + duration

    async def one(person: dict) -> None:
        auth = bearer(person["accessToken"])
        while time.monotonic() < end:
            placed = await http.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                                     headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
            if placed.status_code == 409:
                outcomes["409 sold out (retried)"] += 1
                await asyncio.sleep(random.uniform(1, 5))
                continue
            if placed.status_code != 201:
                outcomes[f"order {placed.status_code}"] += 1
                await asyncio.sleep(1)
                continue
            order = placed.json()
            roll = random.random()
            if roll < abandon:
                outcomes["abandoned (reservation expires)"] += 1
                return
            intent = await http.post("/v1/payments/intent", json={"orderNo": order["orderNo"]},
                                     headers={**auth, "Idempotency-Key": uuid.uuid4().hex})
            if intent.status_code != 201:
                outcomes[f"intent {intent.status_code}"] += 1
                return
            succeeded = roll >= abandon + fail
            body, headers = webhook_body(intent.json(), succeeded=succeeded)
            hook = await http.post("/v1/payments/webhook", content=body, headers=headers)
            if hook.status_code != 200:
                outcomes[f"webhook {hook.status_code}"] += 1
                return
            outcomes["paid" if succeeded else "payment failed"] += 1
            if succeeded:
                for item in order["items"]:
                    paid_units[item["sku"]] += item["qty"]
            return

    await asyncio.gather(*(one(p) for p in people))
    return outcomes, paid_units


async def settled_stock(http: httpx.AsyncClient, skus: list[str], timeout: float) -> dict[str, dict]:
    """Inventory once nothing is reserved any more (expired reservations swept), or as it is at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        numbers = {sku: (await http.get(f"/v1/inventory/{sku}")).json() for sku in skus}
        if all(n["reserved"] == 0 for n in numbers.values()) or time.monotonic() > deadline:
            return numbers
        await asyncio.sleep(2)


async def run(args: argparse.Namespace) -> None:
    console.print(machine())
    stock = [int(x) for x in args.stock.split(",")]
    ttl = {"RESERVATION_TTL_MINUTES": "1"}
    with api_server(args.port, workers=args.workers, log_dir=Path(args.log_dir), env=ttl) as server:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as http:
            console.print(f"seeding {args.buyers} buyers with multi-line carts over {len(stock)} SKUs…")
            skus, people = await seed(http, stock, args.buyers)
            started = time.monotonic()
            outcomes, paid = await storm(http, people, fail=args.fail, abandon=args.abandon, duration=args.duration)
            storm_seconds = time.monotonic() - started
            numbers = await settled_stock(http, skus, timeout=args.settle)
    table = Table(title=f"{args.buyers} buyers, {storm_seconds:.0f} s storm, payments failing {args.fail:.0%}, "
                        f"abandoned {args.abandon:.0%}")
    for col in ("sku", "stock", "paid units", "on hand", "reserved", "available", "oversold", "books balance"):
        table.add_column(col, justify="right")
    oversold_total = 0
    for sku, start in zip(skus, stock):
        n = numbers[sku]
        oversold = max(0, paid[sku] - start)
        oversold_total += oversold
        balanced = n["onHand"] == start - paid[sku] and n["reserved"] == 0 and n["available"] >= 0
        table.add_row(sku, str(start), str(paid[sku]), str(n["onHand"]), str(n["reserved"]), str(n["available"]),
                      str(oversold), "yes" if balanced else "[red]NO[/]")
    console.print(table)
    console.print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    console.print(f"oversold units: {oversold_total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", default="12,8,5", help="starting units of each SKU")
    parser.add_argument("--fail", type=float, default=0.25, help="share of payments that fail")
    parser.add_argument("--abandon", type=float, default=0.15, help="share of orders never paid")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds buyers keep trying")
    parser.add_argument("--settle", type=float, default=150.0, help="seconds to wait for reservations to clear")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: mkt serve's)")
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument("--log-dir", default=str(stack_settings().stack_dir / "bench"))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
