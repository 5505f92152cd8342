"""Fault drills on PRIVATE copies of the parts they break (deploy/local/scratch.py), never the shared stack.

One scratch stack per session (PostgreSQL, Tansu, chDB server, Redis on free ports in a temp dir, migrated), an API
(`mkt serve --workers 1`) and a stream worker (`mkt streams worker`) pointed at it, a seeded world (a vendor, SKUs,
buyers), a steady purchase load (benchmarks/purchase_flow.purchase, the full cart → order → intent → webhook loop)
and the books: orders and money in PostgreSQL vs the events and figures the warehouse holds.
Cases run one after another on the same copy; each leaves its part running again.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest

from benchmarks.loadgen import Samples
from benchmarks.purchase_flow import purchase
from deploy.local.parts import http_get, venv_python
from deploy.local.scratch import ScratchStack, free_port, wait_for
from simulator.flows import active_product, add_to_cart, approved_vendor, login, new_category, new_user

ADMIN = ("fault-admin@example.com", "Fault-admin-pass-1")
# Only these services' events are reconciled: the purchase load writes through them.
BOOK_SERVICES = ("orders", "payments")


class FaultSamples(Samples):
    """The load's samples, keeping every error's HTTP status (the drills assert which statuses clients saw)."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[str] = []

    def error(self, step: str, detail: str) -> None:
        super().error(step, detail)
        self.statuses.append(detail.split(" ", 1)[0])


@dataclass
class Books:
    """What PostgreSQL holds and what the warehouse holds, for the orders and payments the load wrote."""

    orders: int
    orders_total_minor: int
    paid_orders: int
    outbox_events: int
    warehouse_events: int  # distinct eventIds of the outbox events that the warehouse holds
    warehouse_rows: int  # raw rows for those ids: more than warehouse_events means double counting
    warehouse_orders: int
    warehouse_total_minor: int
    missing: list[str] = field(default_factory=list)

    def balanced(self) -> bool:
        return (self.warehouse_events == self.outbox_events and self.warehouse_rows == self.outbox_events
                and self.warehouse_orders == self.orders and self.warehouse_total_minor == self.orders_total_minor)

    def line(self) -> str:
        return (f"orders {self.orders} (wh {self.warehouse_orders}), money {self.orders_total_minor} "
                f"(wh {self.warehouse_total_minor}), paid {self.paid_orders}, events {self.outbox_events} "
                f"(wh distinct {self.warehouse_events}, rows {self.warehouse_rows})")


class FaultEnv:
    def __init__(self, stack: ScratchStack):
        self.stack = stack
        self.api_port = free_port()
        self.base = f"http://127.0.0.1:{self.api_port}"
        self.api = None
        self.worker = None
        self.skus: list[str] = []
        self.buyers: list[dict] = []

    # processes under test ---------------------------------------------------------------------------------------
    def start_api(self):
        self.api = self.stack.spawn(
            "api", [venv_python(), "-m", "mkt.cli", "serve", "--workers", "1", "--port", str(self.api_port)],
            ready=lambda: http_get(f"{self.base}/v1/products?limit=1", timeout=3)[0] == 200, timeout=240,
            env={"RATE_LIMIT_PER_MINUTE": "100000", "RATE_LIMIT_BURST": "10000"})
        return self.api

    def start_worker(self):
        self.worker = self.stack.spawn("worker", [venv_python(), "-m", "mkt.cli", "streams", "worker", "-l", "info"],
                                       env={"STREAMS_FEATURES_REFRESH_SECONDS": "5"})
        return self.worker

    # the books ---------------------------------------------------------------------------------------------------
    def pg(self, db: str) -> psycopg.Connection:
        return psycopg.connect(self.stack.postgres.conn.conninfo(db), autocommit=True)

    def warehouse_query(self, sql: str, params: dict | None = None) -> list[tuple]:
        import clickhouse_connect

        client = clickhouse_connect.get_client(host="127.0.0.1", port=self.stack.warehouse_port, database="warehouse")
        try:
            return client.query(sql, parameters=params or {}).result_rows
        finally:
            client.close()

    def books(self) -> Books:
        with self.pg("orders") as c:
            orders, total = c.execute("SELECT count(*), coalesce(sum(total_minor), 0) FROM orders").fetchone()
            paid = c.execute("SELECT count(*) FROM orders WHERE payment_status = 'paid'").fetchone()[0]
        ids: set[str] = set()
        for service in BOOK_SERVICES:
            with self.pg(service) as c:
                ids |= {str(r[0]) for r in c.execute("SELECT event_id FROM outbox")}
        rows = self.warehouse_query(
            "SELECT toString(event_id), count() FROM events WHERE event_id IN {ids:Array(UUID)} GROUP BY event_id",
            {"ids": sorted(ids)}) if ids else []
        wh_orders, wh_total = self.warehouse_query("SELECT count(), sum(total_minor) FROM orders FINAL")[0]
        seen = {r[0] for r in rows}
        return Books(orders, int(total), paid, len(ids), len(seen), sum(r[1] for r in rows), wh_orders,
                     int(wh_total or 0), sorted(ids - seen)[:5])

    def wait_balanced(self, timeout: float = 120.0) -> Books:
        last: list[Books] = []

        def check() -> Books | None:
            last[:] = [self.books()]
            return last[0] if last[0].balanced() else None

        try:
            return wait_for(check, timeout, "the warehouse to match PostgreSQL", interval=2.0)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last books: {last[0].line() if last else '?'} "
                                 f"missing e.g. {last[0].missing if last else '?'}") from None

    # load --------------------------------------------------------------------------------------------------------
    async def load(self, duration: float, buyers: int = 3, during=None) -> FaultSamples:
        """`buyers` closed purchase loops for `duration` s; `during` (a coroutine function) runs alongside."""
        samples = FaultSamples()
        deadline = time.perf_counter() + duration
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as http:
            for b in self.buyers[:buyers]:  # tokens live 15 minutes: log in afresh per load
                b.update(await login(http, b["email"], b["password"]))

            async def loop(i: int) -> None:
                while time.perf_counter() < deadline:
                    await purchase(http, self.buyers[i], self.skus, samples)

            tasks = [loop(i) for i in range(buyers)] + ([during()] if during else [])
            await asyncio.gather(*tasks)
        return samples

    async def seed(self, products: int = 3, buyers: int = 3) -> None:
        self.stack.run_tool("admin", "create", "--email", ADMIN[0], "--password", ADMIN[1])
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as http:
            admin = (await login(http, *ADMIN))["accessToken"]
            vendor = await approved_vendor(http, admin, f"Fault Drill {uuid.uuid4().hex[:6]}")
            category = await new_category(http, admin, name=f"Drill {uuid.uuid4().hex[:6]}")
            self.skus = [(await active_product(http, admin, vendor, category_ids=[category["id"]],
                                               title=f"Drill item {i}", price_minor=1_000 + 137 * i,
                                               stock=1_000_000, weight_grams=300))["sku"] for i in range(products)]
            self.buyers = [await new_user(http, "drill") for _ in range(buyers)]
            for sku in self.skus:  # the cart's product projection is event-fed: wait until it sells each SKU
                await add_to_cart(http, self.buyers[0], sku)
            await purchase(http, self.buyers[0], [], FaultSamples())  # clears that cart through a first order


@pytest.fixture(scope="session")
def fault_env():
    if os.environ.get("FAULTS_SKIP"):
        pytest.skip("FAULTS_SKIP is set")
    with ScratchStack() as stack:
        env = FaultEnv(stack)
        env.start_api()
        env.start_worker()
        asyncio.run(env.seed())
        yield env
