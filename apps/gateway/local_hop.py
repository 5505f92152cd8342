"""Forwarding to a service that lives in this process: a direct ASGI call into the service's app.

What the gateway sends and gets back is what the HTTP hop (proxy.forward over httpx) would carry: the same request
headers (hop-by-hop and internal ones dropped, request/correlation ids and X-Forwarded-For set, Host the service's
in-process name), the same body and query, and the same response headers and body. What it skips is building an
httpx request, encoding it for httpx's ASGI transport and decoding the response again: about a third of the
CPU a proxied request cost (see benchmarks/purchase_flow.py)."""
from __future__ import annotations

from fastapi import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from apps.gateway.proxy import NO_BODY
from kernel.asgi_call import call_asgi
from kernel.context import current_context
from kernel.http import problem

# Same sets as proxy.py, as bytes (ASGI header names are lower-case bytes).
_DROP_REQUEST = {b"host", b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te",
                 b"trailer", b"transfer-encoding", b"upgrade", b"content-length", b"x-internal-token",
                 b"x-request-id", b"x-correlation-id", b"x-forwarded-for"}
_DROP_RESPONSE = (_DROP_REQUEST - {b"x-forwarded-for"}) | {b"content-encoding"}


def unusable_path(path: str) -> bool:
    """httpx refuses URLs with non-printable ASCII; the local hop answers them the same way (400)."""
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)


async def call_local(app: ASGIApp, service: str, request: Request, *, ip: str) -> Response:
    path = request.url.path
    if unusable_path(path):
        return problem(400, "Bad request", "The request path holds characters that cannot be used in a URL.",
                       type_slug="invalid-path")
    ctx = current_context()
    headers = [(k, v) for k, v in request.scope["headers"] if k not in _DROP_REQUEST]
    headers += [(b"x-request-id", (ctx.request_id or "").encode()),
                (b"x-correlation-id", (ctx.correlation_id or "").encode()),
                (b"x-forwarded-for", ip.encode("latin-1"))]
    answer = await call_asgi(app, service=service, method=request.method, path=path,
                             raw_path=request.scope.get("raw_path"), query_string=request.scope.get("query_string", b""),
                             headers=headers, body=await request.body())
    response = Response(content=answer.body, status_code=answer.status)
    response.raw_headers = [(k.lower(), v) for k, v in answer.headers if k.lower() not in _DROP_RESPONSE]
    if answer.status not in NO_BODY:  # RFC 9110 §8.6: a 304 must not claim a length of 0 for a resource it is not
        response.raw_headers.append((b"content-length", str(len(answer.body)).encode()))
    return response
