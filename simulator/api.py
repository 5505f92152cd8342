"""A thin client of the public API (the simulator's, the demo's, the benchmarks' and the tests'): bearer tokens,
problem+json errors, patience with the rate limiter (429 → wait Retry-After) and with events still crossing the
broker (poll until an answer changes). simulator/flows.py builds the common journeys on it."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

RETRYABLE = (429, 502, 503, 504)
# Generous: on a shared local broker, consumer-group rebalances (every test process joins the same groups) can
# hold an event for tens of seconds.
DEFAULT_TIMEOUT = 60.0
T = TypeVar("T")


class ApiError(RuntimeError):
    def __init__(self, resp: httpx.Response) -> None:
        self.status = resp.status_code
        super().__init__(f"{resp.request.method} {resp.request.url.path}: {resp.status_code} {resp.text[:300]}")


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def call(http: httpx.AsyncClient, method: str, path: str, *, token: str | None = None,
               json: Any = None, params: dict | None = None, headers: dict | None = None,
               attempts: int = 6) -> httpx.Response:
    """One request; rate-limited or briefly unavailable answers are retried after the advertised delay."""
    for attempt in range(attempts):
        resp = await http.request(method, path, json=json, params=params,
                                  headers={**bearer(token), **(headers or {})})
        if resp.status_code not in RETRYABLE or attempt == attempts - 1:
            return resp
        await asyncio.sleep(min(10.0, float(resp.headers.get("Retry-After") or 0.5 * 2 ** attempt)))
    return resp


def ok(resp: httpx.Response, *statuses: int) -> dict:
    if resp.status_code not in statuses:
        raise ApiError(resp)
    return resp.json() if resp.content else {}


async def eventually(fetch: Callable[[], Awaitable[T]], until: Callable[[T], bool], *, what: str,
                     timeout: float = DEFAULT_TIMEOUT, interval: float = 0.3) -> T:
    """Repeat `fetch` until `until(result)` holds: for state another service learns from an event. On timeout a
    TimeoutError names `what` and shows the last result."""
    deadline = time.monotonic() + timeout
    while True:
        result = await fetch()
        if until(result):
            return result
        if time.monotonic() > deadline:
            shown = (f"{result.status_code} {result.text[:500]}" if isinstance(result, httpx.Response)
                     else repr(result)[:500])
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}; last: {shown}")
        await asyncio.sleep(interval)
