"""A service's cached public reads, answered by the process hosting it without entering the service's app.

Why: a cached read costs a dict lookup, yet handing it to the service's app (its middleware, routing, FastAPI's
dependency solving) cost several times that (benchmarks/catalog.py, py-spy). A service may put a `CachedReads`
callable on `app.state.cached_reads`; whoever forwards public requests to that app in the same process (the
gateway's local hop) asks it first and forwards as usual when it answers None.

The contract, so that asking first changes nothing a client can see:
- It answers only what the app would answer for the same request, byte for byte (status, body and the app's own
  headers; the caller adds what it adds to any forwarded answer: request ids, rate-limit headers, CORS).
- It answers only requests whose answer depends on nothing but the method, the path, the query string and the
  headers it reads (say, If-None-Match), and only when the request carries no body.
- Anything else — a miss, a request it has not seen the app route, an error — is None: the app decides.
No service imports another: the gateway sees this module's protocol, never the catalog.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

STATE_ATTR = "cached_reads"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    status: int
    headers: list[tuple[bytes, bytes]]  # lower-case ASGI header pairs, Content-Length included when there is a body
    body: bytes


class CachedReads(Protocol):
    async def __call__(self, method: str, path: str, query_string: bytes,
                       headers: list[tuple[bytes, bytes]]) -> CachedAnswer | None: ...


def cached_reads_of(app: Any) -> CachedReads | None:
    """The hook a service app exposes once started, or None (most services, or not started yet)."""
    state = getattr(app, "state", None)
    return getattr(state, STATE_ATTR, None) if state is not None else None
