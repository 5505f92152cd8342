"""Reusable flows through the real gateway for integration and e2e tests: an approved vendor, an active product with
stock, a shopper. The journeys themselves are simulator/flows.py (shared with the simulator, the demo and the
benchmarks): everything goes through the public API (no minted tokens, no hand-made events); each step polls with
a deadline and fails with the last answer it saw.

Events between services cross Kafka. On the shared local broker, though, every test process joins the same
consumer groups, and their rebalances can hold an event for minutes. So when the client is the in-process
gateway, `deliver_now` also hands the producer's own outbox rows (the exact envelopes the relay publishes) to the
in-process consumers right away: the same handler code Kafka delivery runs, deduplicated by each service's inbox,
so whichever copy arrives second changes nothing. The broker path itself is covered by tests/e2e.

    vendor = await approved_vendor(client, admin_token)
    product = await active_product(client, admin_token, vendor, price_minor=1_500, stock=10)
    shopper = await new_shopper(client)
"""
from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select

from simulator import flows
from simulator.api import DEFAULT_TIMEOUT, bearer, eventually  # noqa: F401 - the tests' toolbox, in one import
from simulator.flows import claims, new_category, new_shopper, new_user, set_stock, tag  # noqa: F401


def _in_process_services(client: httpx.AsyncClient) -> dict[str, Any] | None:
    app = getattr(getattr(client, "_transport", None), "app", None)
    return getattr(getattr(app, "state", None), "services", None)


async def deliver_now(client: httpx.AsyncClient, source: str, key: str) -> int:
    """Hand `source`'s outbox events with this key to every in-process consumer with a handler for them (see the
    module docstring); returns how many handlers ran. Does nothing for a client of a remote gateway."""
    services = _in_process_services(client)
    if not services or source not in services:
        return 0
    producer = services[source]
    table = producer.state.outbox
    async with producer.state.db.sessions() as session:
        rows = (await session.execute(select(table.c.payload).where(table.c.key == key).order_by(table.c.seq))).all()
    handled = 0
    for (payload,) in rows:
        raw = json.dumps(payload).encode()
        for app in services.values():
            consumer = getattr(app.state, "consumer", None)
            if consumer is not None and await consumer.handle(raw):
                handled += 1
    return handled


def _nudge(client: httpx.AsyncClient) -> flows.Nudge:
    return lambda source, key: deliver_now(client, source, key)


def _ok(resp: httpx.Response, *statuses: int) -> dict:
    where = f"{resp.request.method} {resp.request.url.path}"
    assert resp.status_code in statuses, f"{where}: {resp.status_code} {resp.text}"
    return resp.json() if resp.content else {}


async def approved_vendor(client: httpx.AsyncClient, admin_token: str, **options: Any) -> dict:
    """simulator.flows.approved_vendor, with vendor.approved handed over in-process at once."""
    return await flows.approved_vendor(client, admin_token, nudge=_nudge(client), **options)


async def _create_product(client: httpx.AsyncClient, vendor: dict, body: dict, timeout: float) -> dict:
    return await flows.create_product(client, vendor, body, timeout=timeout)


async def active_product(client: httpx.AsyncClient, admin_token: str, vendor: dict, price_minor: int = 1_000,
                         stock: int = 10, **options: Any) -> dict:
    """simulator.flows.active_product (described "Made for tests."), with product.approved handed over at once."""
    options.setdefault("description", "Made for tests.")
    return await flows.active_product(client, admin_token, vendor, price_minor, stock, nudge=_nudge(client),
                                      **options)


async def available(client: httpx.AsyncClient, sku: str) -> int:
    return _ok(await client.get(f"/v1/inventory/{sku}"), 200)["available"]
