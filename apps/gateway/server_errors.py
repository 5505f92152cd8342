"""Recording the gateway's 5xx answers as `gateway.server_error` events (topic ops.v1), so the warehouse holds them
and the 5xx-burst alert (pipelines/defs/reports) can count them. Before this, 5xx lived only in log lines.

The request path never waits for Kafka: the middleware drops a record into a bounded queue and a background task
publishes batches. When the queue is full (Kafka down during a storm) records are dropped and counted in the log:
an alert on 5xx must never add to an outage. The gateway has no database, hence no outbox: a record lost in a crash
is acceptable for a burst counter. Ids in paths become `*`, so one failing route is one group in the alert mail.
"""
from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from apps.gateway.routes import service_for
from kernel.clock import utcnow
from kernel.contracts.ops import ServerErrorRecorded
from kernel.contracts.topics import OPS
from kernel.context import current_context
from kernel.events import Envelope, Trace
from kernel.kafka import KafkaPublisher

log = structlog.get_logger("gateway.server_errors")
_DIGIT = re.compile(r"\d")


def _is_id(segment: str) -> bool:
    """A UUID, a number, an order or tracking number: digits in it, and long (or all digits)."""
    return segment.isdigit() or (len(segment) >= 8 and _DIGIT.search(segment) is not None)


def route_shape(path: str) -> str:
    """The path with its id segments as `*`, so one failing route is one group in the alert mail."""
    return "/".join("*" if _is_id(seg) else seg for seg in path.split("/"))[:300]


class ServerErrorLog:
    """The queue between the middleware and Kafka, and the task draining it."""

    def __init__(self, bootstrap_servers: str, *, capacity: int = 1000, flush_seconds: float = 0.5) -> None:
        self.queue: asyncio.Queue[Envelope] = asyncio.Queue(maxsize=capacity)
        self.publisher = KafkaPublisher(bootstrap_servers)
        self.flush_seconds, self.dropped = flush_seconds, 0
        self._task: asyncio.Task | None = None

    def record(self, *, method: str, path: str, status: int, latency_ms: float) -> None:
        ctx = current_context()
        data = ServerErrorRecorded(method=method[:10], path=route_shape(path), status=status,
                                   service=service_for(path) or "web", latencyMs=round(latency_ms, 2), at=utcnow())
        envelope = Envelope(type="gateway.server_error", data=data.model_dump(mode="json", by_alias=True),
                            trace=Trace(requestId=ctx.request_id, correlationId=ctx.correlation_id))
        try:
            self.queue.put_nowait(envelope)
        except asyncio.QueueFull:
            self.dropped += 1

    async def flush(self) -> int:
        batch = []
        while not self.queue.empty() and len(batch) < 500:
            batch.append(self.queue.get_nowait())
        if batch:
            errors = await self.publisher.send_many(
                [(OPS.name, e.data.get("service") or "gateway", e.to_json()) for e in batch])
            if lost := sum(err is not None for err in errors):
                log.warning("gateway.server_errors_not_published", lost=lost, error=str(next(filter(None, errors))))
        return len(batch)

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.sleep(self.flush_seconds)
                await self.flush()
                if self.dropped:
                    log.warning("gateway.server_errors_dropped", dropped=self.dropped)
                    self.dropped = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - Kafka trouble must never stop the gateway
                log.warning("gateway.server_errors_publish_failed", error=str(exc)[:300])

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gateway-server-errors")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        try:
            await asyncio.wait_for(self.flush(), timeout=10)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass
        await self.publisher.close()


class ServerErrorMiddleware:
    """Sees every answer of the gateway (its own, the upstreams', the web pages'); records those >= 500, and an
    exception that escapes the app (it becomes a 500 further out)."""

    def __init__(self, app: ASGIApp, *, owner: Any) -> None:
        self.app, self.owner = app, owner  # owner: the gateway app, whose lifespan sets state.server_errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        errors: ServerErrorLog | None = getattr(self.owner.state, "server_errors", None)
        if scope["type"] != "http" or errors is None:
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            status = status or 500
            raise
        finally:
            if status >= 500:
                errors.record(method=scope.get("method", ""), path=scope.get("path", ""), status=status,
                              latency_ms=(time.perf_counter() - started) * 1000)
