"""The composition root: the only place (besides tests) that imports apps. It wires services together either in
one process (in-process HTTP transports, one shared Kafka producer), one service per process (HTTP by URL), or any
split between: a process hosts some services in-process and reaches the others over pooled keep-alive HTTP."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from apps.auth.main import create_app as create_auth
from apps.backoffice.main import create_app as create_backoffice
from apps.cart.main import create_app as create_cart
from apps.catalog.main import create_app as create_catalog
from apps.coupons.main import create_app as create_coupons
from apps.gateway.main import create_app as create_gateway
from apps.inventory.main import create_app as create_inventory
from apps.notifications.main import create_app as create_notifications
from apps.orders.main import create_app as create_orders
from apps.payments.main import create_app as create_payments
from apps.profiles.main import create_app as create_profiles
from apps.reviews.main import create_app as create_reviews
from apps.search.main import create_app as create_search
from apps.serving.main import create_app as create_serving
from apps.shipping.main import create_app as create_shipping
from apps.tracking.main import create_app as create_tracking
from apps.vendors.main import create_app as create_vendors
from apps.web.main import asgi as web_asgi
from apps.web.main import create_app as create_web
from kernel.auth import http_jwks_loader
from kernel.kafka import KafkaPublisher
from kernel.service_app import Wiring
from kernel.settings import common_settings

APPS_DIR = Path(__file__).resolve().parent.parent / "apps"
SERVICE_FACTORIES: dict[str, Callable[..., FastAPI]] = {
    "auth": create_auth,
    "catalog": create_catalog,
    "cart": create_cart,
    "coupons": create_coupons,
    "inventory": create_inventory,
    "orders": create_orders,
    "payments": create_payments,
    "profiles": create_profiles,
    "vendors": create_vendors,
    "shipping": create_shipping,
    "reviews": create_reviews,
    "notifications": create_notifications,
    "tracking": create_tracking,
    "backoffice": create_backoffice,
    "search": create_search,
    "serving": create_serving,
}
# Services with their own PostgreSQL database and Alembic migrations, in dependency-free order.
MIGRATED_SERVICES: tuple[str, ...] = ("auth", "catalog", "profiles", "inventory", "vendors", "cart", "coupons",
                                      "payments", "orders", "shipping", "reviews", "notifications", "tracking", "backoffice",
                                      "search", "serving")


def migrations_dir(service: str) -> Path:
    return APPS_DIR / service / "migrations"


def _in_process_client(app: FastAPI, name: str) -> httpx.AsyncClient:
    # raise_app_exceptions=False: a crash inside one service reaches its caller as a 500, as over HTTP.
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                             base_url=f"http://{name}.internal",
                             timeout=30)


def _remote_client(name: str) -> httpx.AsyncClient:
    # One pooled keep-alive client per remote service, shared by the gateway and every hosted service.
    return httpx.AsyncClient(base_url=common_settings().service_urls[name], timeout=30,
                             limits=httpx.Limits(max_connections=200, max_keepalive_connections=64,
                                                 keepalive_expiry=30))


def build_all_in_one(*, run_relay: bool = True, run_consumers: bool = True, run_periodic: bool = True,
                     hosted: Collection[str] | None = None) -> FastAPI:
    """The gateway with the services in `hosted` (default: every one) mounted behind it in this process; the
    others are reached at SERVICE_URLS. run_* off: a web worker that leaves the background loops (outbox relay,
    event consumers, sweepers) to one other process."""
    hosted = set(SERVICE_FACTORIES) if hosted is None else set(hosted)
    if unknown := hosted - set(SERVICE_FACTORIES):
        raise KeyError(f"unknown services: {', '.join(sorted(unknown))}")
    publisher = KafkaPublisher()
    clients: dict[str, httpx.AsyncClient] = {}  # filled below; every service calls the others through it
    remote = {name: _remote_client(name) for name in SERVICE_FACTORIES if name not in hosted}
    clients.update(remote)
    service_apps: dict[str, FastAPI] = {}

    def wiring(jwks=None) -> Wiring:
        return Wiring(jwks_loader=jwks, publisher=publisher, run_relay=run_relay, run_consumers=run_consumers,
                      run_periodic=run_periodic, service_clients=clients, local_apps=service_apps)

    if "auth" in hosted:
        service_apps["auth"] = create_auth(wiring=wiring())
        clients["auth"] = _in_process_client(service_apps["auth"], "auth")
    jwks = http_jwks_loader("/v1/auth/jwks", client=clients["auth"])
    for name, factory in SERVICE_FACTORIES.items():
        if name == "auth" or name not in hosted:
            continue
        service_apps[name] = factory(wiring=wiring(jwks))
        clients[name] = _in_process_client(service_apps[name], name)

    gateway = create_gateway(upstreams=clients, local_apps=dict(service_apps))
    gateway_lifespan = gateway.router.lifespan_context
    # The web pages sit behind the gateway on every non-/v1 path, and call the public API back through it, so
    # they cross the same token check and rate limit as any other client.
    web_api = _in_process_client(gateway, "gateway")
    web = create_web(api_client=web_api)
    gateway.mount("/", web_asgi(web))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            async with AsyncExitStack() as stack:
                for sub in service_apps.values():
                    await stack.enter_async_context(sub.router.lifespan_context(sub))
                await stack.enter_async_context(gateway_lifespan(app))
                await stack.enter_async_context(web.router.lifespan_context(web))
                app.state.services = service_apps
                yield
        finally:
            # Only after every service stopped: their background tasks (sweepers) may still call each other.
            for client in (*clients.values(), web_api):
                await client.aclose()
            await publisher.close()

    gateway.router.lifespan_context = lifespan
    return gateway


def build_one(service: str) -> FastAPI:
    if service == "gateway":
        return create_gateway()
    if service == "web":
        return web_asgi(create_web())
    if service not in SERVICE_FACTORIES:
        raise KeyError(service)
    return SERVICE_FACTORIES[service]()
