"""The /v1 catch-all: which service owns the path, the token check, the rate limit, then the service's answer.

A plain ASGI endpoint rather than a FastAPI route: it takes no parameters FastAPI would validate, and FastAPI's
request handling (dependency solving, its response wrapping) was a fifth of a cached catalog read's CPU
(benchmarks/catalog.py, py-spy). It still sits in the gateway's router and middleware (request ids, CORS, 5xx
records, problem+json handlers), so what a client sees is unchanged.

For a service living in this process, its cached-read hook (kernel/cached_read.py) is asked first: a hit is sent
as the service would have answered it, without entering the service's app.
"""
from __future__ import annotations

from collections.abc import Mapping

import structlog
from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from apps.gateway.config import GatewaySettings
from apps.gateway.local_hop import call_local, unusable_path
from apps.gateway.proxy import client_ip, forward
from apps.gateway.routes import requires_auth, service_for
from kernel.auth import TokenVerifier, bearer_token
from kernel.cached_read import CachedAnswer, CachedReads
from kernel.context import bind_user
from kernel.errors import DomainError
from kernel.http import problem

log = structlog.get_logger("gateway.edge")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class PublicRoute:
    def __init__(self, owner: FastAPI, *, settings: GatewaySettings, verifier: TokenVerifier,
                 services: list[str], local_apps: Mapping[str, ASGIApp]) -> None:
        self.owner, self.settings, self.verifier = owner, settings, verifier
        self.services, self.local_apps = frozenset(services), local_apps
        # Filled by the gateway's lifespan once the hosted services started (their hooks exist from then on).
        self.hooks: dict[str, CachedReads] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        outcome = await self.answer(request)
        if isinstance(outcome, Response):
            await outcome(scope, receive, send)
            return
        answer, remaining = outcome
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": [*answer.headers, (b"x-ratelimit-remaining", str(remaining).encode())]})
        await send({"type": "http.response.body", "body": answer.body})

    async def answer(self, request: Request) -> Response | tuple[CachedAnswer, int]:
        path = request.scope["path"]
        service = service_for(path)
        if service is None:
            return problem(404, "Not found", f"No route for {path}.")
        if service not in self.services:
            return problem(503, "Service unavailable", f"The {service} service is not deployed behind this gateway.",
                           type_slug="unavailable")
        ip = client_ip(request, self.settings.trust_forwarded_for)
        client_key = f"ip:{ip}"
        if (token := bearer_token(request)) is not None:
            try:
                user = await self.verifier.verify(token)
            except DomainError as exc:
                return problem(exc.status, exc.title, exc.detail, type_slug=exc.type_slug,
                               headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            bind_user(user.id)
            client_key = f"user:{user.id}"
        elif requires_auth(path):
            return problem(401, "Unauthorized", "Authentication required.", headers={"WWW-Authenticate": "Bearer"})
        # Read per request: tests swap the limiter on app.state.
        allowed, retry_after, remaining = await self.owner.state.limiter.hit(client_key)
        if not allowed:
            return problem(429, "Too many requests", f"Rate limit exceeded; retry in {retry_after}s.",
                           type_slug="rate-limited", headers={"Retry-After": str(retry_after)})
        if (app := self.local_apps.get(service)) is not None:
            if (hook := self.hooks.get(service)) is not None and (hit := await self._cached(hook, request)) is not None:
                return hit, remaining
            response = await call_local(app, service, request, ip=ip)
        else:
            response = await forward(request, self.owner.state.upstreams[service], ip=ip)
        response.headers["x-ratelimit-remaining"] = str(remaining)
        return response

    async def _cached(self, hook: CachedReads, request: Request) -> CachedAnswer | None:
        scope = request.scope
        if scope["method"] != "GET" or unusable_path(scope["path"]) or _has_body(scope["headers"]):
            return None  # the hook answers bodiless GETs; call_local answers the rest as before
        # The path the local hop hands the app (call_local: request.url.path, which ends at a decoded `?` or `#`).
        path = scope["path"] if "?" not in scope["path"] and "#" not in scope["path"] else request.url.path
        try:
            return await hook(scope["method"], path, scope.get("query_string", b""), scope["headers"])
        except Exception as exc:  # noqa: BLE001 - a faulty hook must cost a hit, never the request
            log.warning("gateway.cached_read_failed", error=f"{type(exc).__name__}: {exc}"[:300])
            return None


def _has_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """HTTP/1.1 framing (RFC 9112 §6.3): a request without Transfer-Encoding or a non-zero Content-Length has none."""
    return any(k == b"transfer-encoding" or (k == b"content-length" and v.strip() != b"0") for k, v in headers)
