"""Forwarding a public request to the service that owns it."""
from __future__ import annotations

import httpx
from fastapi import Request
from starlette.responses import Response

from kernel.context import current_context
from kernel.http import problem

# Hop-by-hop headers (RFC 9110 §7.6.1) and ones we recompute.
_DROP_REQUEST = {"host", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                 "transfer-encoding", "upgrade", "content-length",
                 # service-to-service credentials never come from the public side
                 "x-internal-token"}
_DROP_RESPONSE = _DROP_REQUEST | {"content-encoding", "x-request-id", "x-correlation-id"}
NO_BODY = (204, 304)  # answers that carry no content, hence no Content-Length of their own


def client_ip(request: Request, trust_forwarded: bool) -> str:
    if trust_forwarded and (fwd := request.headers.get("x-forwarded-for")):
        return fwd.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


async def forward(request: Request, upstream: httpx.AsyncClient, *, ip: str) -> Response:
    ctx = current_context()
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROP_REQUEST}
    headers["x-request-id"] = ctx.request_id or ""
    headers["x-correlation-id"] = ctx.correlation_id or ""
    headers["x-forwarded-for"] = ip
    body = await request.body()
    try:
        resp = await upstream.request(request.method, request.url.path, params=request.query_params,
                                      headers=headers, content=body)
    except httpx.InvalidURL:
        # e.g. a NUL or other control byte in the path: the request cannot be forwarded as sent
        return problem(400, "Bad request", "The request path holds characters that cannot be used in a URL.",
                       type_slug="invalid-path")
    except httpx.TimeoutException:
        return problem(504, "Upstream timeout", "The service did not answer in time.", type_slug="upstream-timeout")
    except httpx.TransportError:
        return problem(503, "Service unavailable", "The service is not reachable.", type_slug="unavailable",
                       headers={"Retry-After": "5"})
    out_headers = [(k, v) for k, v in resp.headers.multi_items() if k.lower() not in _DROP_RESPONSE]
    response = Response(content=resp.content, status_code=resp.status_code)
    response.raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in out_headers]
    if resp.status_code not in NO_BODY:  # no content, no Content-Length (RFC 9110 §8.6)
        response.headers["content-length"] = str(len(resp.content))
    return response
