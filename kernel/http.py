"""HTTP plumbing every service shares: problem+json errors, request ids, body limits, health routes."""
from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog
from fastapi import APIRouter, FastAPI, Request
from fastapi.datastructures import Default
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from opentelemetry.trace import SpanKind
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kernel import metrics, roundtrips, tracing
from kernel.context import RequestContext, current_context, reset_context, set_context
from kernel.errors import DomainError
from kernel.ids import new_id_str
from kernel.openapi_problems import document_problems

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("http")


class FastJSONResponse(JSONResponse):
    """Starlette's JSONResponse rendered by orjson: the same compact UTF-8 text for what our routes return (floats
    in exponent form are written 1e-7 rather than 1e-07, the same number). Anything orjson refuses (integers past
    64 bits) falls back to the standard encoder."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except TypeError:
            return super().render(content)


# For FastAPI(default_response_class=...): wrapped as a default, routes with a response model keep FastAPI's own
# fast path (pydantic writes the JSON bytes itself); routes returning plain dicts are rendered by orjson.
DEFAULT_RESPONSE_CLASS = Default(FastJSONResponse)


def problem(status: int, title: str, detail: str | None = None, *, type_slug: str | None = None,
            errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://errors.marketplace.dev/{type_slug or title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "errors": errors or [],
    }
    if rid := current_context().request_id:
        body["requestId"] = rid
    return FastJSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"field": ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc),
                    "in": loc[0] if loc else None, "message": err.get("msg"), "code": err.get("type")})
    return out


def install_problem_handlers(app: FastAPI) -> None:
    document_problems(app)  # the OpenAPI says errors are problem+json, as the handlers below send them

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, type_slug=exc.type_slug, errors=exc.errors,
                       headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(e["code"] == "json_invalid" for e in errors):
            return problem(400, "Malformed JSON", "The request body is not valid JSON.", type_slug="malformed-json",
                           errors=errors)
        return problem(422, "Validation failed", "The request has invalid fields.", type_slug="validation-error",
                       errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized", 403: "Forbidden"}
        return problem(exc.status_code, titles.get(exc.status_code, "HTTP error"), str(exc.detail),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(DataError)
    async def _bad_value(_: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refused a value the client sent (a NUL character in text, a number out of range for its column,
        # text that is no valid UUID): bad input, not a server fault.
        log.warning("http.data_error", error=str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__)
        return problem(422, "Invalid value", "A value in the request cannot be stored or searched for.",
                       type_slug="invalid-value")

    async def _database_unavailable(_: Request, exc: Exception) -> JSONResponse:
        # The database restarting, unreachable, out of pool connections or refusing for now (SQLSTATE classes 08,
        # 53, 55, 57): a transient fault, not a bug. Nothing was committed (one transaction per use case), so the
        # client may retry.
        log.warning("http.database_unavailable", error=type(exc).__name__,
                    detail=(str(getattr(exc, "orig", None) or exc).splitlines() or [""])[0][:200])
        return problem(503, "Service unavailable", "The database is unavailable; retry shortly.",
                       type_slug="unavailable", headers={"Retry-After": "2"})

    for db_fault in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(db_fault, _database_unavailable)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unhandled", error=type(exc).__name__)
        return problem(500, "Internal error", "An unexpected error occurred.", type_slug="internal")


class RequestContextMiddleware:
    """Takes X-Request-ID / X-Correlation-ID from the caller (or makes them), exposes them to logs and events,
    echoes them back, refuses bodies over `max_body_bytes` with 413, and logs one line per request."""

    def __init__(self, app: ASGIApp, *, service: str, max_body_bytes: int = 1_048_576) -> None:
        self.app, self.service, self.max_body = app, service, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        request_id = headers.get("x-request-id") or new_id_str()
        correlation_id = headers.get("x-correlation-id") or request_id
        token = set_context(RequestContext(request_id, correlation_id))
        started = time.perf_counter()
        declared = headers.get("content-length")
        with roundtrips.counting() as db_count, tracing.span(f"{scope.get('method')} {self.service}",
                                                            kind=SpanKind.SERVER, parent=headers):
            await self._serve(scope, receive, send, request_id, correlation_id, declared, db_count, started, token)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, request_id: str, correlation_id: str,
                     declared: str | None, db_count: list[int] | None, started: float, token) -> None:
        status = 500
        try:
            if declared and declared.isdigit() and int(declared) > self.max_body:
                status = 413
                await _send_problem(send, 413, "Payload too large", f"Body exceeds {self.max_body} bytes.")
                return
            if unusable_path(scope.get("path", "")):
                status = 400
                await _send_problem(send, 400, "Bad request",
                                    "The request path holds characters that cannot be used in a URL.", "invalid-path")
                return

            received = 0

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body:
                        raise _BodyTooLarge()
                return message

            async def tagged_send(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message.setdefault("headers", [])
                    message["headers"] = list(message["headers"]) + [
                        (b"x-request-id", request_id.encode()), (b"x-correlation-id", correlation_id.encode())]
                    if db_count is not None:
                        message["headers"].append((roundtrips.HEADER, str(db_count[0]).encode()))
                await send(message)

            try:
                await self.app(scope, limited_receive, tagged_send)
            except _BodyTooLarge:
                status = 413
                await _send_problem(send, 413, "Payload too large", f"Body exceeds {self.max_body} bytes.")
        finally:
            ctx = current_context()
            elapsed = time.perf_counter() - started
            metrics.observe_request(self.service, scope, status, elapsed)
            tracing.finish_server_span(scope, status)
            log.info("http.request", service=self.service, method=scope.get("method"), route=scope.get("path"),
                     status=status, latency_ms=round(elapsed * 1000, 2),
                     request_id=request_id, user_id=ctx.user_id)
            reset_context(token)


class _BodyTooLarge(Exception):
    pass


def unusable_path(path: str) -> bool:
    """A control character (NUL, ESC, DEL, the C1 range) in a decoded path is never part of an id or slug, and
    PostgreSQL refuses NUL in text: such paths get a 400 in every service before any route sees them."""
    return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in path)


async def _send_problem(send: Send, status: int, title: str, detail: str, slug: str = "payload-too-large") -> None:
    body = json.dumps({"type": f"https://errors.marketplace.dev/{slug}", "title": title,
                       "status": status, "detail": detail, "errors": []}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


ReadinessCheck = Callable[[], Awaitable[Any]]


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    """/healthz: the process is alive. /readyz: every dependency answers (503 with the failing ones if not)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz():
        results: dict[str, str] = {}
        details: dict[str, object] = {}
        for name, check in checks.items():
            try:
                value = await check()
                results[name] = "ok"
                if isinstance(value, dict):  # a check may say what it found, e.g. which model version is loaded
                    details[name] = value
            except Exception as exc:  # noqa: BLE001 - readiness reports any failure as "down"
                results[name] = f"down: {type(exc).__name__}"
        ok = all(v == "ok" for v in results.values())
        body: dict[str, object] = {"status": "ok" if ok else "unavailable", "checks": results}
        if details:
            body["details"] = details
        return FastJSONResponse(body, status_code=200 if ok else 503)

    return router
