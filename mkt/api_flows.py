"""Seeding the running marketplace through its public API (gateway), for benchmarks and the demo."""
from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import jwt

T = TypeVar("T")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ok(resp: httpx.Response, *statuses: int) -> dict:
    if resp.status_code not in statuses:
        raise RuntimeError(f"{resp.request.method} {resp.request.url.path} → {resp.status_code}: {resp.text[:300]}")
    return resp.json() if resp.content else {}


async def eventually(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], *, what: str,
                     timeout: float = 60.0) -> T:
    """Events between services arrive asynchronously: poll until the condition holds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f}s for {what}")
        await asyncio.sleep(0.3)


async def login(http: httpx.AsyncClient, email: str, password: str) -> dict:
    return ok(await http.post("/v1/auth/login", json={"email": email, "password": password}), 200)


async def new_user(http: httpx.AsyncClient, prefix: str = "shopper", password: str = "Shopper-pass-1") -> dict:
    email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
    user = ok(await http.post("/v1/auth/register", json={"email": email, "password": password}), 201)
    return {"email": email, "password": password, **user, **await login(http, email, password)}


async def approved_vendor(http: httpx.AsyncClient, admin_token: str, name: str) -> dict:
    owner = await new_user(http, "vendor", "Vendor-pass-1")
    vendor = ok(await http.post("/v1/vendors/apply", json={"name": name, "supportEmail": owner["email"]},
                                headers=bearer(owner["accessToken"])), 201)
    ok(await http.patch(f"/v1/admin/vendors/{vendor['id']}/status", json={"status": "active"},
                        headers=bearer(admin_token)), 200)
    state = {"refresh": owner["refreshToken"]}

    async def refresh() -> dict:
        pair = ok(await http.post("/v1/auth/refresh", json={"refreshToken": state["refresh"]}), 200)
        state["refresh"] = pair["refreshToken"]
        return pair

    pair = await eventually(refresh, lambda p: jwt.decode(p["accessToken"], options={"verify_signature": False})
                            .get("vendorId") == vendor["id"], what="the vendorId in the owner's token")
    return {**vendor, "name": name, "token": pair["accessToken"], "owner": owner}


async def active_product(http: httpx.AsyncClient, admin_token: str, vendor: dict, *, category_id: str, title: str,
                         price_minor: int, stock: int) -> dict[str, Any]:
    sku = f"SKU-{uuid.uuid4().hex[:10].upper()}"
    body = {"title": title, "description": title, "categoryIds": [category_id],
            "variants": [{"sku": sku, "priceMinor": price_minor, "currency": "USD", "weightGrams": 300}]}

    async def create() -> httpx.Response:
        return await http.post(f"/v1/vendors/{vendor['id']}/products", json=body, headers=bearer(vendor["token"]))

    product = ok(await eventually(create, lambda r: r.status_code != 403, what="catalog to see the vendor"), 201)
    ok(await http.patch(f"/v1/admin/products/{product['id']}/approve", headers=bearer(admin_token)), 200)

    async def set_stock() -> httpx.Response:
        return await http.patch(f"/v1/vendors/{vendor['id']}/inventory/{sku}", json={"onHand": stock},
                                headers=bearer(vendor["token"]))

    ok(await eventually(set_stock, lambda r: r.status_code != 404, what=f"inventory to open {sku}"), 200)
    return {**product, "sku": sku, "priceMinor": price_minor, "stock": stock}


async def add_to_cart(http: httpx.AsyncClient, shopper: dict, sku: str, qty: int = 1) -> None:
    """Retries while the cart has not yet seen the product's approval (its projection is event-fed: 409/422)."""
    async def add() -> httpx.Response:
        return await http.post("/v1/cart/items", json={"sku": sku, "qty": qty}, headers=bearer(shopper["accessToken"]))

    ok(await eventually(add, lambda r: r.status_code in (200, 201), what=f"cart to sell {sku}"), 200, 201)
