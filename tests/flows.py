"""Reusable flows through the real gateway for integration and e2e tests: an approved vendor, an active product with
stock, a shopper. Everything goes through the public API (no minted tokens, no hand-made events); each step polls
with a deadline and fails with the last answer it saw.

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

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import jwt
from sqlalchemy import select

T = TypeVar("T")
# Generous: on a shared local broker, consumer-group rebalances (every test process joins the same groups) can
# hold an event for tens of seconds.
DEFAULT_TIMEOUT = 60.0


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tag() -> str:
    return uuid.uuid4().hex[:10]


def claims(token: str) -> dict[str, Any]:
    """A token's claims, unverified: tests only read what the auth service put there."""
    return jwt.decode(token, options={"verify_signature": False})


async def eventually(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], *, what: str,
                     timeout: float = DEFAULT_TIMEOUT, interval: float = 0.25) -> T:
    """Call `fetch` until `until(result)` holds; AssertionError naming `what` and the last result on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = await fetch()
        if until(result):
            return result
        if time.monotonic() > deadline:
            shown = result.text[:500] if isinstance(result, httpx.Response) else repr(result)[:500]
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {shown}")
        await asyncio.sleep(interval)


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


def _ok(resp: httpx.Response, *statuses: int) -> dict:
    where = f"{resp.request.method} {resp.request.url.path}"
    assert resp.status_code in statuses, f"{where}: {resp.status_code} {resp.text}"
    return resp.json() if resp.content else {}


async def new_user(client: httpx.AsyncClient, *, prefix: str = "shopper", password: str = "Shopper-pass-1",
                   name: str = "Ada") -> dict:
    """A registered, logged-in account: {userId, email, password, accessToken, refreshToken}."""
    email = f"{prefix}-{tag()}@example.com"
    registered = _ok(await client.post("/v1/auth/register", json={"email": email, "password": password,
                                                                  "name": name}), 201)
    tokens = _ok(await client.post("/v1/auth/login", json={"email": email, "password": password}), 200)
    return {"userId": registered["userId"], "email": email, "password": password, **tokens}


new_shopper = new_user


async def _refresh_until_vendor(client: httpx.AsyncClient, owner: dict, vendor_id: str, timeout: float) -> dict:
    """Refresh the owner's tokens until auth (reacting to vendor.approved) signs one carrying the vendorId."""
    state = {"refreshToken": owner["refreshToken"]}

    async def refresh() -> dict:
        pair = _ok(await client.post("/v1/auth/refresh", json={"refreshToken": state["refreshToken"]}), 200)
        state["refreshToken"] = pair["refreshToken"]  # rotation: the old one is spent
        return pair

    return await eventually(refresh, lambda pair: claims(pair["accessToken"]).get("vendorId") == vendor_id,
                            what=f"a token with vendorId {vendor_id}", timeout=timeout, interval=0.3)


async def approved_vendor(client: httpx.AsyncClient, admin_token: str, *, name: str | None = None,
                          commission_type: str | None = None, commission_value: int | str | None = None,
                          timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Owner registers and applies, the admin approves, and the owner's refreshed token carries the vendorId.

    Returns {id, slug, name, token (the owner's vendor_admin access token), refreshToken, owner{...}}.
    """
    owner = await new_user(client, prefix="vendor-owner", password="Vendor-pass-1", name="Owner")
    name = name or f"Shop {tag()}"
    applied = _ok(await client.post("/v1/vendors/apply", json={"name": name, "supportEmail": owner["email"]},
                                    headers=bearer(owner["accessToken"])), 201)
    body: dict[str, Any] = {"status": "active"}
    if commission_type is not None:
        body.update(commissionType=commission_type, commissionValue=commission_value)
    _ok(await client.patch(f"/v1/admin/vendors/{applied['id']}/status", json=body, headers=bearer(admin_token)),
        200)
    await deliver_now(client, "vendors", applied["id"])
    pair = await _refresh_until_vendor(client, owner, applied["id"], timeout)
    return {"id": applied["id"], "slug": applied["slug"], "name": name, "token": pair["accessToken"],
            "refreshToken": pair["refreshToken"], "owner": owner}


async def new_category(client: httpx.AsyncClient, admin_token: str, *, name: str | None = None) -> dict:
    return _ok(await client.post("/v1/admin/categories", json={"name": name or f"Category {tag()}"},
                                 headers=bearer(admin_token)), 201)


def _product_body(*, sku: str, price_minor: int, currency: str, title: str, category_ids: list[str],
                  weight_grams: int) -> dict:
    return {"title": title, "description": "Made for tests.", "categoryIds": category_ids,
            "variants": [{"sku": sku, "priceMinor": price_minor, "currency": currency, "weightGrams": weight_grams}]}


async def _create_product(client: httpx.AsyncClient, vendor: dict, body: dict, timeout: float) -> dict:
    """POST the product, retrying while the catalog has not yet seen vendor.approved (403: vendor not active)."""
    async def create() -> httpx.Response:
        return await client.post(f"/v1/vendors/{vendor['id']}/products", json=body, headers=bearer(vendor["token"]))

    resp = await eventually(create, lambda r: r.status_code != 403, what="the catalog to accept the vendor",
                            timeout=timeout)
    return _ok(resp, 201)


async def set_stock(client: httpx.AsyncClient, vendor: dict, sku: str, on_hand: int, *,
                    timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Set on-hand stock, waiting for inventory to open the SKU's row (it does on product.created)."""
    async def patch() -> httpx.Response:
        return await client.patch(f"/v1/vendors/{vendor['id']}/inventory/{sku}", json={"onHand": on_hand},
                                  headers=bearer(vendor["token"]))

    resp = await eventually(patch, lambda r: r.status_code != 404, what=f"inventory to open {sku}", timeout=timeout)
    return _ok(resp, 200)


async def active_product(client: httpx.AsyncClient, admin_token: str, vendor: dict, price_minor: int = 1_000,
                         stock: int = 10, *, currency: str = "USD", title: str | None = None,
                         category_ids: list[str] | None = None, weight_grams: int = 250, sku: str | None = None,
                         timeout: float = DEFAULT_TIMEOUT) -> dict:
    """A one-SKU product of `vendor`, approved by the admin (status active) with `stock` units on hand.

    Returns {id, slug, sku, vendorId, title, priceMinor, currency, categoryIds, weightGrams, stock}. Services that
    project the catalog (cart, orders, ...) see it once their consumers handle product.approved: poll for that.
    """
    if category_ids is None:
        category_ids = [(await new_category(client, admin_token))["id"]]
    sku = sku or f"SKU-{tag().upper()}"
    title = title or f"Test item {tag()}"
    body = _product_body(sku=sku, price_minor=price_minor, currency=currency, title=title,
                         category_ids=category_ids, weight_grams=weight_grams)
    product = await _create_product(client, vendor, body, timeout)
    approved = _ok(await client.patch(f"/v1/admin/products/{product['id']}/approve", headers=bearer(admin_token)),
                   200)
    assert approved["status"] == "active", approved
    await deliver_now(client, "catalog", product["id"])
    await set_stock(client, vendor, sku, stock, timeout=timeout)
    return {"id": product["id"], "slug": product["slug"], "sku": sku, "vendorId": vendor["id"], "title": title,
            "priceMinor": price_minor, "currency": currency, "categoryIds": category_ids,
            "weightGrams": weight_grams, "stock": stock}


async def available(client: httpx.AsyncClient, sku: str) -> int:
    return _ok(await client.get(f"/v1/inventory/{sku}"), 200)["available"]
