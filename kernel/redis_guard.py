"""Redis on a request path: one client setup and one outage window, for every cache and store that must answer
without Redis rather than wait for it."""
from __future__ import annotations

import time
from typing import Any

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff


def request_path_client(url: str, *, timeout_seconds: float) -> redis.Redis:
    """Short timeouts and no retry on a timeout: a dead Redis costs one short wait per outage window, not a hang.
    One immediate retry on a connection error: after a Redis restart every pooled connection is dead, and the first
    command on each must reconnect instead of failing."""
    return redis.from_url(url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds,
                          retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)))


class OutageWindow:
    """After a failure, Redis is left alone for `retry_after_seconds`; the failure is logged once per window."""

    def __init__(self, retry_after_seconds: float, *, log: Any, event: str) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.down_until = 0.0
        self._log, self._event = log, event

    @property
    def available(self) -> bool:
        return time.monotonic() >= self.down_until

    def failed(self, op: str, exc: BaseException) -> None:
        if self.available:  # once per outage window, not once per request
            self._log.warning(self._event, op=op, error=f"{type(exc).__name__}: {exc}"[:300],
                              retry_after_seconds=self.retry_after_seconds)
        self.down_until = time.monotonic() + self.retry_after_seconds
