"""`mkt demo`: the main job. Drives the running marketplace through its public gateway and shows the event
backbone at work: HTTP → service → outbox → Kafka → Faust → warehouse."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field

import httpx
import typer
from rich.console import Console
from rich.table import Table

from kernel.contracts.topics import PRODUCTS
from kernel.settings import stack_settings
from kernel.warehouse import warehouse_client
from mkt.admin_cli import create_super_admin
from mkt.app_procs import app_processes, ensure_running
from mkt.demo_commerce import run_commerce
from mkt.warehouse_cli import print_metric

console = Console()
DEMO_ADMIN = "demo-admin@example.com"
DEMO_ADMIN_PASSWORD = "demo-admin-pass-1"


@dataclass
class Step:
    what: str
    result: str
    seconds: float


@dataclass
class DemoReport:
    steps: list[Step] = field(default_factory=list)

    def add(self, what: str, result: str, started: float) -> None:
        self.steps.append(Step(what, result, time.perf_counter() - started))
        console.print(f"[green]✓[/] {what}: {result} [dim]({time.perf_counter() - started:.2f}s)[/]")


def _check(resp: httpx.Response, status: int) -> dict:
    if resp.status_code != status:
        raise RuntimeError(f"{resp.request.method} {resp.request.url.path} → {resp.status_code}: {resp.text[:300]}")
    return resp.json() if resp.content else {}


async def _find_on_broker(category_id: str, timeout: float) -> dict:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(PRODUCTS.name, bootstrap_servers=stack_settings().kafka_bootstrap_servers,
                                group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    env = json.loads(record.value)
                    if env.get("data", {}).get("categoryId") == category_id:
                        return {**env, "_partition": record.partition, "_offset": record.offset}
    finally:
        await consumer.stop()
    raise RuntimeError(f"category {category_id} never reached topic {PRODUCTS.name}")


def _find_in_warehouse(event_id: str, timeout: float) -> dict:
    client = warehouse_client()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = client.query("SELECT type, occurred_at, topic, ingested_at FROM events WHERE event_id = {id:String}",
                            parameters={"id": event_id}).named_results()
        rows = list(rows)
        if rows:
            return rows[0]
        time.sleep(0.5)
    raise RuntimeError(f"event {event_id} never reached the warehouse (is the stream worker up? "
                       f"see .stack/apps/streams/streams.log)")


async def run_demo() -> DemoReport:
    report, settings = DemoReport(), stack_settings()
    t = time.perf_counter()
    pids = {app.name: ensure_running(app)[0] for app in app_processes()}
    report.add("API gateway + services and stream worker running", ", ".join(f"{k} pid {v}" for k, v in pids.items()),
               t)

    t = time.perf_counter()
    await create_super_admin(DEMO_ADMIN, DEMO_ADMIN_PASSWORD, "Demo Admin")
    report.add("super_admin ensured (mkt admin create)", DEMO_ADMIN, t)

    async with httpx.AsyncClient(base_url=settings.gateway_url, timeout=30) as http:
        t = time.perf_counter()
        email = f"shopper-{uuid.uuid4().hex[:8]}@example.com"
        user = _check(await http.post("/v1/auth/register", json={"email": email, "password": "shopper-pass-1",
                                                                  "name": "Demo Shopper"}), 201)
        report.add("registered a shopper through the gateway", f"{email} → userId {user['userId']}", t)

        t = time.perf_counter()
        tokens = _check(await http.post("/v1/auth/login", json={"email": email, "password": "shopper-pass-1"}), 200)
        report.add("shopper logged in (RS256 access token + rotating refresh token)",
                   f"expiresIn {tokens['expiresIn']}s", t)

        t = time.perf_counter()
        admin = _check(await http.post("/v1/auth/login", json={"email": DEMO_ADMIN,
                                                                "password": DEMO_ADMIN_PASSWORD}), 200)
        name = f"Demo Category {uuid.uuid4().hex[:6]}"
        category = _check(await http.post("/v1/admin/categories", json={"name": name},
                                          headers={"Authorization": f"Bearer {admin['accessToken']}"}), 201)
        report.add("admin created a category", f"{category['name']} ({category['id']})", t)

    t = time.perf_counter()
    event = await _find_on_broker(category["id"], timeout=30)
    report.add(f"event {event['type']} on the broker", f"topic {PRODUCTS.name} partition {event['_partition']} "
                                                       f"offset {event['_offset']}, eventId {event['eventId']}", t)
    t = time.perf_counter()
    row = _find_in_warehouse(event["eventId"], timeout=90)
    report.add("same event in the warehouse", f"events table, ingested_at {row['ingested_at']}", t)

    t = time.perf_counter()
    async with httpx.AsyncClient(base_url=settings.gateway_url, timeout=60) as http:
        order_nos = await run_commerce(http, admin["accessToken"])
    report.add("commerce loop: vendors, catalog, coupon, orders, payments, shipping, reviews", "see tables above", t)

    t = time.perf_counter()
    _wait_for_orders_in_warehouse(order_nos, timeout=90)
    for metric in ("summary", "vendor_earnings", "on_time_delivery"):
        print_metric(metric, days=30)
    report.add("analytics from the warehouse (mkt warehouse report)", f"{len(order_nos)} demo orders landed", t)
    return report


def _wait_for_orders_in_warehouse(order_nos: list[str], timeout: float) -> None:
    client, deadline = warehouse_client(), time.monotonic() + timeout
    query = "SELECT count() FROM order_events FINAL WHERE event_type = 'order.paid' AND order_no IN {nos:Array(String)}"
    while client.query(query, parameters={"nos": order_nos}).result_rows[0][0] < len(order_nos):
        if time.monotonic() > deadline:
            raise RuntimeError("the demo's paid orders did not reach the warehouse")
        time.sleep(0.5)


def where_to_look() -> None:
    s = stack_settings()
    table = Table(title="where to look", show_lines=False)
    table.add_column("what")
    table.add_column("where")
    for what, where in [
        ("API (gateway)", f"{s.gateway_url}/v1/categories  ·  health {s.gateway_url}/readyz"),
        ("service OpenAPI", f"{s.gateway_url}/v1/openapi/auth.json, {s.gateway_url}/v1/openapi/catalog.json"),
        ("admin login", f"{DEMO_ADMIN} / {DEMO_ADMIN_PASSWORD}"),
        ("local servers", ".venv/bin/mkt stack status  ·  .venv/bin/mkt stack logs <part>"),
        ("API / worker logs", ".stack/apps/api/api.log  ·  .stack/apps/streams/streams.log"),
        ("warehouse (ClickHouse HTTP)", f"{s.clickhouse_url}  ·  SELECT type, count() FROM warehouse.events GROUP BY type"),
        ("mails (SMTP sink)", f"{s.stack_dir}/smtp/mail/*.eml"),
        ("MLflow", s.mlflow_tracking_uri),
        ("replay after a broker restart", ".venv/bin/mkt outbox replay --since 2026-01-01"),
    ]:
        table.add_row(what, where)
    console.print(table)


def demo() -> None:
    """Run the main job against the running stack and print what happened and where to look."""
    started = time.perf_counter()
    try:
        asyncio.run(run_demo())
    except RuntimeError as exc:
        console.print(f"[red]✗ demo failed:[/] {exc}")
        raise typer.Exit(1) from None
    where_to_look()
    console.print(f"[bold green]demo finished in {time.perf_counter() - started:.1f}s[/]")
