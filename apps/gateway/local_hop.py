"""Forwarding to a service that lives in this process: a direct ASGI call into the service's app.

What the gateway sends and gets back is what the HTTP hop (proxy.forward over httpx) would carry: the same request
headers (hop-by-hop and internal ones dropped, request/correlation ids and X-Forwarded-For set, Host the service's
in-process name), the same body and query, and the same response headers and body. What it skips is building an
httpx request, encoding it for httpx's ASGI transport and decoding the response again: about a third of the
CPU a proxied request cost (see benchmarks/purchase_flow.py)."""
from __future__ import annotations

import asyncio

import structlog
from fastapi import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message

from kernel.context import current_context
from kernel.http import problem

log = structlog.get_logger("gateway.local_hop")

# Same sets as proxy.py, as bytes (ASGI header names are lower-case bytes).
_DROP_REQUEST = {b"host", b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
                 b"trailer", b"transfer-encoding", b"upgrade", b"content-length", b"x-internal-token",
                 b"x-request-id", b"x-correlation-id", b"x-forwarded-for"}
_DROP_RESPONSE = (_DROP_REQUEST - {b"x-forwarded-for"}) | {b"content-encoding"}
_CLIENT = ("127.0.0.1", 123)  # what httpx's ASGI transport reports as the peer: the services see the same


def unusable_path(path: str) -> bool:
    """httpx refuses URLs with non-printable ASCII; the local hop answers them the same way (400)."""
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)


async def call_local(app: ASGIApp, service: str, request: Request, *, ip: str) -> Response:
    path = request.url.path
    if unusable_path(path):
        return problem(400, "Bad request", "The request path holds characters that cannot be used in a URL.",
                       type_slug="invalid-path")
    ctx = current_context()
    body = await request.body()
    host = f"{service}.internal"
    headers = [(k, v) for k, v in request.scope["headers"] if k not in _DROP_REQUEST]
    headers += [(b"host", host.encode()), (b"content-length", str(len(body)).encode()),
                (b"x-request-id", (ctx.request_id or "").encode()),
                (b"x-correlation-id", (ctx.correlation_id or "").encode()),
                (b"x-forwarded-for", ip.encode("latin-1"))]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": request.method,
             "scheme": "http", "path": path, "raw_path": request.scope.get("raw_path") or path.encode(), "root_path": "",
             "query_string": request.scope.get("query_string", b""), "headers": headers, "client": _CLIENT,
             "server": (host, 80), "extensions": {}}
    done = asyncio.Event()
    sent_body = False
    status, out_headers, chunks = 500, [], []
    started = False

    async def receive() -> Message:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, out_headers, started
        if message["type"] == "http.response.start":
            started = True
            status, out_headers = message["status"], message.get("headers", [])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    try:
        await app(scope, receive, send)
    except Exception as exc:  # noqa: BLE001 - like httpx's raise_app_exceptions=False: the caller gets a 500
        log.warning("gateway.local_hop.crashed", service=service, error=type(exc).__name__)
        if not started:
            status, out_headers, chunks = 500, [], []
    finally:
        done.set()
    content = b"".join(chunks)
    response = Response(content=content, status_code=status)
    response.raw_headers = [(k.lower(), v) for k, v in out_headers if k.lower() not in _DROP_RESPONSE]
    response.raw_headers.append((b"content-length", str(len(content)).encode()))
    return response
