"""A Redis outage degrades the cart to PostgreSQL instead of failing it: a second cart app whose REDIS_URL points
at a closed port serves the same shoppers (same database, same JWKS, same inventory) with every route working."""
from __future__ import annotations

import time

import httpx
import pytest

from apps.cart.cache import CartCache
from apps.cart.config import CartSettings
from apps.cart.main import create_app
from kernel.auth import http_jwks_loader
from kernel.service_app import Wiring
from kernel.settings import common_settings
from tests.flows import active_product, approved_vendor, bearer, eventually, new_shopper

pytestmark = pytest.mark.timeout(240)
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


def _in_process(app, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}.internal", timeout=30)


@pytest.fixture(scope="module")
async def cart_without_redis(gateway):
    services = gateway.state.services
    upstreams = {name: _in_process(services[name], name) for name in ("auth", "inventory", "coupons")}
    settings = CartSettings(redis_url=DEAD_REDIS, cache_retry_after_seconds=0.0)  # try (and fail) every time
    app = create_app(settings, Wiring(jwks_loader=http_jwks_loader("/v1/auth/jwks", client=upstreams["auth"]),
                                      run_relay=False, run_consumers=False, service_clients=upstreams))
    async with app.router.lifespan_context(app):
        async with _in_process(app, "cart") as client:
            yield app, client
    for client in upstreams.values():
        await client.aclose()


async def test_every_cart_route_works_while_redis_is_down(client, admin_token, cart_without_redis):
    app, degraded = cart_without_redis
    vendor = await approved_vendor(client, admin_token)
    product = await active_product(client, admin_token, vendor, price_minor=1_250, stock=8)
    shopper = await new_shopper(client)
    auth = bearer(shopper["accessToken"])

    async def add() -> httpx.Response:
        return await degraded.post("/v1/cart/items", json={"sku": product["sku"], "qty": 2}, headers=auth)

    added = await eventually(add, lambda r: r.status_code == 201, what="the cart to sell the product")
    assert added.json()["subtotalMinor"] == 2_500
    assert (await degraded.get("/v1/cart", headers=auth)).json()["items"][0]["qty"] == 2
    assert (await degraded.patch(f"/v1/cart/items/{product['sku']}", json={"qty": 3}, headers=auth)).status_code == 200
    summary = await degraded.post("/v1/checkout/summary", headers=auth)
    assert summary.status_code == 200 and summary.json()["subtotalMinor"] == 3_750
    assert (await degraded.delete("/v1/cart/coupon", headers=auth)).status_code == 200
    cache: CartCache = app.state.cart_cache
    assert cache.failures >= 5 and cache.hits == 0

    # PostgreSQL kept everything: the healthy deployment (Redis up) shows the same cart.
    healthy = await client.get("/v1/cart", headers=auth)
    assert healthy.status_code == 200 and healthy.json()["items"][0]["qty"] == 3
    assert (await degraded.delete(f"/v1/cart/items/{product['sku']}", headers=auth)).json()["items"] == []


async def test_an_outage_costs_one_timeout_then_redis_is_skipped(stack):
    cache = CartCache(DEAD_REDIS, ttl_seconds=60, timeout_seconds=0.25, retry_after_seconds=60)
    try:
        assert await cache.get("u") is None and cache.failures == 1
        started = time.monotonic()
        for _ in range(50):
            assert await cache.get("u") is None
            assert await cache.put({"userId": "u", "version": 1, "items": []}) is False
        assert cache.failures == 1 and time.monotonic() - started < 0.5  # no further attempts while marked down
    finally:
        await cache.close()


async def test_a_skipped_rewrite_never_serves_the_older_cart(stack):
    cache = CartCache(common_settings().redis_url, ttl_seconds=60, timeout_seconds=1, retry_after_seconds=60)
    user = f"outage-{time.time_ns()}"
    try:
        assert await cache.put({"userId": user, "version": 1, "items": ["old"]}) is True
        cache.outage.down_until = time.monotonic() + 60  # Redis "down" while the cart changes
        assert await cache.put({"userId": user, "version": 2, "items": ["new"]}) is False
        cache.outage.down_until = 0.0  # back, still holding version 1
        assert cache.is_dirty(user) and await cache.get(user) is None  # read PostgreSQL, not the stale copy
        assert await cache.put({"userId": user, "version": 2, "items": ["new"]}) is True
        assert not cache.is_dirty(user) and (await cache.get(user))["items"] == ["new"]
    finally:
        await cache.drop(user)
        await cache.close()
