"""A thin client of the public API for the simulator: bearer tokens, problem+json errors, patience with the
rate limiter (429 → wait Retry-After) and with events still crossing the broker (poll until an answer changes)."""
from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

import httpx

RETRYABLE = (429, 502, 503, 504)


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


async def until(fetch: Callable[[], Awaitable[httpx.Response]], done: Callable[[httpx.Response], bool], *,
                what: str, timeout: float, interval: float = 0.3) -> httpx.Response:
    """Repeat `fetch` until `done(answer)`: for state another service learns from an event."""
    deadline = time.monotonic() + timeout
    while True:
        resp = await fetch()
        if done(resp):
            return resp
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}; last: {resp.status_code} "
                               f"{resp.text[:200]}")
        await asyncio.sleep(interval)
