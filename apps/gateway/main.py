"""The single public entry: /v1 routing, JWT check at the edge, per-client rate limit, CORS, health."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from apps.gateway.config import GatewaySettings
from apps.gateway.edge import METHODS, PublicRoute
from apps.gateway.ratelimit import RateLimiter
from apps.gateway.routes import services as routed_services
from apps.gateway.server_errors import ServerErrorLog, ServerErrorMiddleware
from kernel.auth import TokenVerifier
from kernel.cached_read import cached_reads_of
from kernel.http import (DEFAULT_RESPONSE_CLASS, RequestContextMiddleware, health_router, install_problem_handlers,
                         problem)
from kernel.logging import configure_logging
from kernel.metrics import metrics_router
from kernel.redis_guard import request_path_client


def create_app(settings: GatewaySettings | None = None,
               upstreams: dict[str, httpx.AsyncClient] | None = None,
               local_apps: dict[str, ASGIApp] | None = None) -> FastAPI:
    """`upstreams` lets the composition root hand in clients (one-process mode); by default each service is
    reached over HTTP at GATEWAY_SERVICE_URLS. Public requests for a service in `local_apps` (one living in this
    process) are handed to its ASGI app directly (local_hop) rather than through its httpx client."""
    settings = settings or GatewaySettings()
    local_apps = local_apps or {}
    # The services this gateway fronts: those handed in (one process) or configured by URL (scale-out).
    services = sorted(upstreams) if upstreams is not None else [
        svc for svc in routed_services() if svc in settings.service_urls]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = upstreams is None
        app.state.upstreams = upstreams or {
            svc: httpx.AsyncClient(base_url=settings.service_urls[svc], timeout=settings.upstream_timeout_seconds)
            for svc in services}
        # Short timeouts: a hung Redis must cost the rate limit a moment, not every request its full wait.
        app.state.redis = request_path_client(settings.redis_url, timeout_seconds=1.0)
        app.state.limiter = RateLimiter(app.state.redis, per_minute=settings.rate_limit_per_minute,
                                        burst=settings.rate_limit_burst)
        # The hosted services started before the gateway (mkt/composition.py): their cached-read hooks exist now.
        app.state.public_route.hooks = {svc: hook for svc, sub in local_apps.items()
                                        if (hook := cached_reads_of(sub)) is not None}
        if settings.record_server_errors:
            app.state.server_errors = ServerErrorLog(settings.kafka_bootstrap_servers,
                                                     capacity=settings.server_error_queue)
            app.state.server_errors.start()
        try:
            yield
        finally:
            if settings.record_server_errors:
                await app.state.server_errors.stop()
            await app.state.redis.aclose()
            if owned:
                for client in app.state.upstreams.values():
                    await client.aclose()

    app = FastAPI(title="marketplace gateway", lifespan=lifespan, version="1.0.0",
                  default_response_class=DEFAULT_RESPONSE_CLASS)
    app.state.settings = settings

    async def load_jwks() -> dict:
        resp = await app.state.upstreams["auth"].get("/v1/auth/jwks")
        resp.raise_for_status()
        return resp.json()

    verifier = TokenVerifier(load_jwks, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    install_problem_handlers(app)

    async def upstream_ready(name: str) -> None:
        resp = await app.state.upstreams[name].get("/readyz")
        resp.raise_for_status()

    checks = {"redis": lambda: app.state.redis.ping()}
    checks.update({svc: (lambda s=svc: upstream_ready(s)) for svc in services})
    app.include_router(health_router(checks))
    # The process's Prometheus figures (every service hosted in it shares one registry). Not an API route: the
    # Ingress sends only /v1 and the pages here; Prometheus scrapes pods directly (deploy/observability).
    app.include_router(metrics_router())

    @app.get("/v1/openapi/{service}.json", tags=["meta"])
    async def service_openapi(service: str):
        if service not in services:
            return problem(404, "Not found", f"No service {service!r}.")
        resp = await app.state.upstreams[service].get("/openapi.json")
        return resp.json()

    @app.api_route("/internal/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def internal_never_routed(request: Request, rest: str):
        # Service-to-service routes are never reachable from outside, whatever is mounted behind the gateway.
        return problem(404, "Not found", f"No route for {request.url.path}.")

    # The catch-all: a plain ASGI endpoint (edge.py), registered here so the routes above still match first.
    public = PublicRoute(app, settings=settings, verifier=verifier, services=services, local_apps=local_apps)
    app.router.add_route("/v1/{rest:path}", public, methods=list(METHODS), include_in_schema=False)
    app.router.routes[-1].methods = set(METHODS)  # as the FastAPI route had it: no implicit HEAD
    app.state.public_route = public

    app.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_credentials=True,
                       allow_methods=["*"], allow_headers=["*"], expose_headers=["X-Request-ID", "Retry-After"])
    app.add_middleware(ServerErrorMiddleware, owner=app)  # inside the request context: records carry its ids
    app.add_middleware(RequestContextMiddleware, service="gateway", max_body_bytes=settings.max_body_bytes)
    configure_logging(settings.log_level)
    return app
