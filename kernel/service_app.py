"""The one way a service becomes a FastAPI app: same middleware, errors, health, auth, database and relay."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from sqlalchemy import MetaData

from kernel import tracing
from kernel.auth import JwksLoader, TokenVerifier, http_jwks_loader
from kernel.checks import tcp_reachable
from kernel.consumer import EventConsumer, Handler, reactions_group
from kernel.contracts.registry import contract_for
from kernel.db import Database
from kernel.inbox import inbox_table
from kernel.http import DEFAULT_RESPONSE_CLASS, RequestContextMiddleware, health_router, install_problem_handlers
from kernel.kafka import KafkaPublisher
from kernel.logging import configure_logging
from kernel.metrics import metrics_router
from kernel.outbox import outbox_table
from kernel.outbox_wake import name_outbox
from kernel.relay import OutboxRelay
from kernel.service_client import ServiceClients
from kernel.settings import BaseServiceSettings
from kernel.uow import UnitOfWork

Hook = Callable[[FastAPI], Awaitable[None]]
# Reactions that need what exists only once the app has started (its service clients, settings, what on_startup
# hooks opened) are declared as a factory of the started app: the lifespan builds them after the hooks ran, so a
# handler never meets a missing dependency and no module holds one in a global.
Reactions = Mapping[str, Handler] | Callable[[FastAPI], Mapping[str, Handler]]


@dataclass
class ServiceSpec:
    name: str
    settings: BaseServiceSettings
    metadata: MetaData
    routers: list[APIRouter]
    on_startup: list[Hook] = field(default_factory=list)
    on_shutdown: list[Hook] = field(default_factory=list)
    description: str = ""
    # event type → `async def handle(*, uow, event: kernel.consumer.Event[Payload])`, or a factory of the started
    # app returning that map (see Reactions); their database needs the inbox table (kernel.inbox).
    consumers: Reactions = field(default_factory=dict)
    # extra /readyz checks beyond the database and broker (e.g. the warehouse, search)
    readiness: dict[str, Callable[[], Awaitable[Any]]] = field(default_factory=dict)


@dataclass
class Wiring:
    """What the composition root may inject: in one process the services share a publisher and reach the
    auth service's JWKS in-process; deployed alone they build their own from settings."""

    jwks_loader: JwksLoader | None = None
    publisher: KafkaPublisher | None = None
    run_relay: bool = True
    run_consumers: bool = True
    # Sweepers and other kernel.periodic loops; off in the extra web workers of `mkt serve --workers N`.
    run_periodic: bool = True
    # service name → client; filled by the composition root after every app exists (in-process transports).
    service_clients: dict[str, httpx.AsyncClient] | None = None
    # service name → ASGI app of the services hosted in this process: calls to them skip httpx (kernel/asgi_call.py)
    local_apps: dict[str, Any] | None = None


def build_service_app(spec: ServiceSpec, wiring: Wiring | None = None) -> FastAPI:
    wiring = wiring or Wiring()
    settings = spec.settings
    outbox = outbox_table(spec.metadata)
    name_outbox(outbox, spec.name)  # so web workers' commits can wake this service's relay elsewhere

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.db_url())
        owns_publisher = wiring.publisher is None
        publisher = wiring.publisher or KafkaPublisher(settings.kafka_bootstrap_servers)
        app.state.db, app.state.publisher = db, publisher
        app.state.service_clients = ServiceClients(settings, wiring.service_clients, wiring.local_apps)
        app.state.relay = OutboxRelay(db, outbox, publisher, name=spec.name,
                                      retention_days=settings.outbox_retention_days,
                                      poll_interval=settings.outbox_relay_poll_seconds)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(app.state.relay.run(stop))] if wiring.run_relay else []
        for hook in spec.on_startup:
            await hook(app)
        consuming, consumer_task = asyncio.Event(), None  # stopped before the shutdown hooks close what it uses
        handlers = dict(spec.consumers(app) if callable(spec.consumers) else spec.consumers)
        if handlers:
            topics = sorted({contract_for(t).topic.name for t in handlers})
            app.state.consumer = EventConsumer(
                name=reactions_group(spec.name), topics=topics, handlers=handlers, db=db, outbox=outbox,
                inbox=inbox_table(spec.metadata), publisher=publisher,
                bootstrap_servers=settings.kafka_bootstrap_servers)
            if wiring.run_consumers:
                consumer_task = asyncio.create_task(app.state.consumer.run(consuming))
        try:
            yield
        finally:
            consuming.set()
            if consumer_task is not None:
                await consumer_task
            for hook in spec.on_shutdown:
                await hook(app)
            stop.set()
            await asyncio.gather(*tasks)
            await app.state.service_clients.close()
            if owns_publisher:
                await publisher.close()
            await db.dispose()

    app = FastAPI(title=f"marketplace {spec.name}", description=spec.description, lifespan=lifespan,
                  version="1.0.0", default_response_class=DEFAULT_RESPONSE_CLASS)
    app.state.settings = settings
    app.state.service_name = spec.name
    app.state.run_periodic = wiring.run_periodic
    app.state.outbox = outbox
    app.state.token_verifier = TokenVerifier(
        wiring.jwks_loader or http_jwks_loader(settings.jwks_url),
        issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, service=spec.name, max_body_bytes=settings.max_body_bytes)
    app.include_router(health_router({
        "database": lambda: app.state.db.ping(),
        "broker": lambda: tcp_reachable(settings.kafka_bootstrap_servers),
        **spec.readiness,
    }))
    app.include_router(metrics_router())
    for router in spec.routers:
        app.include_router(router)
    configure_logging(settings.log_level)
    tracing.configure()
    return app


async def get_uow(request: Request) -> UnitOfWork:
    return UnitOfWork(request.app.state.db.sessions, request.app.state.outbox)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


async def app_settings(request: Request) -> Any:
    return request.app.state.settings


def from_state(name: str) -> Callable[[Request], Any]:
    """A dependency handing a route what the service's wiring put on `app.state.<name>` (its settings, cache,
    token issuer...): `Annotated[CartCache, Depends(from_state("cart_cache"))]`."""
    async def dependency(request: Request) -> Any:
        return getattr(request.app.state, name)

    dependency.__name__ = f"state_{name}"
    return dependency


def service_clients_of(request: Request) -> ServiceClients:
    return request.app.state.service_clients


async def get_service_clients(request: Request) -> ServiceClients:
    # Dependencies are `async def` on purpose, here and in every service: FastAPI runs a plain `def` dependency on
    # a worker thread, and that hop per request cost more than the accessor itself (py-spy under purchase load).
    return service_clients_of(request)


ServiceClientsDep = Annotated[ServiceClients, Depends(get_service_clients)]
