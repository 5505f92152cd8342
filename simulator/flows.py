"""The common journeys through the public API (gateway), written once for the simulator's seeding, the demo, the
benchmarks and the tests: a logged-in account, an approved vendor whose owner's token carries the vendorId, a
category, an approved product with stock, a cart line.

Each step that waits for another service (an event still crossing the broker) polls with a deadline. `nudge`
(producing service, event key) runs after such a write: an in-process caller (tests/flows.py) hands the event to
the consumers at once instead of waiting on a busy shared broker; everyone else leaves it a no-op.
"""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt

from simulator.api import DEFAULT_TIMEOUT, call, eventually, ok

Nudge = Callable[[str, str], Awaitable[object]]


async def no_nudge(service: str, key: str) -> None:
    return None


def tag() -> str:
    return uuid.uuid4().hex[:10]


def claims(token: str) -> dict[str, Any]:
    """A token's claims, unverified: callers only read what the auth service put there."""
    return jwt.decode(token, options={"verify_signature": False})


async def login(http: httpx.AsyncClient, email: str, password: str) -> dict:
    return ok(await call(http, "POST", "/v1/auth/login", json={"email": email, "password": password}), 200)


async def new_user(http: httpx.AsyncClient, prefix: str = "shopper", password: str = "Shopper-pass-1", *,
                   name: str = "Ada", email: str | None = None) -> dict:
    """A registered, logged-in account: {userId, email, password, accessToken, refreshToken, ...}."""
    email = email or f"{prefix}-{tag()}@example.com"
    registered = ok(await call(http, "POST", "/v1/auth/register",
                               json={"email": email, "password": password, "name": name}), 201)
    return {**registered, "email": email, "password": password, **await login(http, email, password)}


new_shopper = new_user


async def _refresh_until_vendor(http: httpx.AsyncClient, refresh_token: str, vendor_id: str, timeout: float) -> dict:
    """Refresh the owner's tokens until auth (reacting to vendor.approved) signs one carrying the vendorId."""
    state = {"refreshToken": refresh_token}

    async def refresh() -> dict:
        pair = ok(await call(http, "POST", "/v1/auth/refresh", json={"refreshToken": state["refreshToken"]}), 200)
        state["refreshToken"] = pair["refreshToken"]  # rotation: the old one is spent
        return pair

    return await eventually(refresh, lambda pair: claims(pair["accessToken"]).get("vendorId") == vendor_id,
                            what=f"a token with vendorId {vendor_id}", timeout=timeout)


async def approved_vendor(http: httpx.AsyncClient, admin_token: str, name: str | None = None, *,
                          commission_type: str | None = None, commission_value: int | str | None = None,
                          owner: dict | None = None, timeout: float = DEFAULT_TIMEOUT,
                          nudge: Nudge = no_nudge) -> dict:
    """The owner (`owner`, else a new account) applies, the admin approves, and the owner's refreshed token
    carries the vendorId. Returns {id, slug, name, token (the owner's vendor_admin token), refreshToken, owner}."""
    owner = owner or await new_user(http, "vendor-owner", "Vendor-pass-1", name="Owner")
    name = name or f"Shop {tag()}"
    applied = ok(await call(http, "POST", "/v1/vendors/apply", token=owner["accessToken"],
                            json={"name": name, "supportEmail": owner["email"]}), 201)
    body: dict[str, Any] = {"status": "active"}
    if commission_type is not None:
        body.update(commissionType=commission_type, commissionValue=commission_value)
    ok(await call(http, "PATCH", f"/v1/admin/vendors/{applied['id']}/status", token=admin_token, json=body), 200)
    await nudge("vendors", applied["id"])
    pair = await _refresh_until_vendor(http, owner["refreshToken"], applied["id"], timeout)
    return {**applied, "name": name, "token": pair["accessToken"], "refreshToken": pair["refreshToken"],
            "owner": owner}


async def new_category(http: httpx.AsyncClient, admin_token: str, *, name: str | None = None,
                       parent_id: str | None = None) -> dict:
    body = {"name": name or f"Category {tag()}", **({"parentId": parent_id} if parent_id else {})}
    return ok(await call(http, "POST", "/v1/admin/categories", token=admin_token, json=body), 201)


async def create_product(http: httpx.AsyncClient, vendor: dict, body: dict, *,
                         timeout: float = DEFAULT_TIMEOUT) -> dict:
    """POST the product, retrying while the catalog has not yet seen vendor.approved (403: vendor not active)."""
    resp = await eventually(
        lambda: call(http, "POST", f"/v1/vendors/{vendor['id']}/products", token=vendor["token"], json=body),
        lambda r: r.status_code != 403, what="the catalog to accept the vendor", timeout=timeout)
    return ok(resp, 201)


async def set_stock(http: httpx.AsyncClient, vendor: dict, sku: str, on_hand: int, *,
                    reorder_point: int | None = None, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """Set on-hand stock, waiting for inventory to open the SKU's row (it does on product.created)."""
    body = {"onHand": on_hand, **({"reorderPoint": reorder_point} if reorder_point is not None else {})}
    resp = await eventually(
        lambda: call(http, "PATCH", f"/v1/vendors/{vendor['id']}/inventory/{sku}", token=vendor["token"], json=body),
        lambda r: r.status_code != 404, what=f"inventory to open {sku}", timeout=timeout)
    return ok(resp, 200)


async def publish_product(http: httpx.AsyncClient, admin_token: str, vendor: dict, body: dict, *, stock: int,
                          reorder_point: int | None = None, timeout: float = DEFAULT_TIMEOUT,
                          nudge: Nudge = no_nudge) -> dict:
    """Create `body` as `vendor`'s product, approve it as the admin (status active), stock every variant."""
    product = await create_product(http, vendor, body, timeout=timeout)
    approved = ok(await call(http, "PATCH", f"/v1/admin/products/{product['id']}/approve", token=admin_token), 200)
    if approved.get("status") != "active":
        raise AssertionError(f"the approved product is {approved.get('status')!r}: {approved}")
    await nudge("catalog", product["id"])
    for variant in body["variants"]:
        await set_stock(http, vendor, variant["sku"], stock, reorder_point=reorder_point, timeout=timeout)
    return approved


async def active_product(http: httpx.AsyncClient, admin_token: str, vendor: dict, price_minor: int = 1_000,
                         stock: int = 10, *, currency: str = "USD", title: str | None = None,
                         description: str | None = None, category_ids: list[str] | None = None,
                         weight_grams: int = 250, sku: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                         nudge: Nudge = no_nudge) -> dict:
    """A one-SKU product of `vendor`, approved (status active) with `stock` units on hand.

    Returns the product plus {sku, vendorId, title, priceMinor, currency, categoryIds, weightGrams, stock}.
    Services that project the catalog (cart, orders, ...) see it once their consumers handle product.approved.
    """
    if category_ids is None:
        category_ids = [(await new_category(http, admin_token))["id"]]
    sku = sku or f"SKU-{tag().upper()}"
    title = title or f"Test item {tag()}"
    body = {"title": title, "description": description or title, "categoryIds": category_ids,
            "variants": [{"sku": sku, "priceMinor": price_minor, "currency": currency, "weightGrams": weight_grams}]}
    product = await publish_product(http, admin_token, vendor, body, stock=stock, timeout=timeout, nudge=nudge)
    return {**product, "sku": sku, "vendorId": vendor["id"], "title": title, "priceMinor": price_minor,
            "currency": currency, "categoryIds": category_ids, "weightGrams": weight_grams, "stock": stock}


async def add_to_cart(http: httpx.AsyncClient, shopper: dict, sku: str, qty: int = 1) -> None:
    """Retries while the cart has not yet seen the product's approval (its projection is event-fed: 409/422)."""
    resp = await eventually(
        lambda: call(http, "POST", "/v1/cart/items", token=shopper["accessToken"], json={"sku": sku, "qty": qty}),
        lambda r: r.status_code in (200, 201), what=f"cart to sell {sku}")
    ok(resp, 200, 201)


async def available(http: httpx.AsyncClient, sku: str) -> int:
    return ok(await call(http, "GET", f"/v1/inventory/{sku}"), 200)["available"]

