"""The request/result log (ai_reco_requests, ai_reco_results) and its events (ai.recommendation.requested and
.served), written off the request path.

A request only appends a record to an in-memory buffer; a background task writes every buffered record in one unit
of work (two multi-row inserts and the outbox rows, one commit) every `flush_seconds`. So a served answer costs no
database round trip, and the outbox write stays one batched insert however busy the shelf is. The price: records
still buffered when the process dies uncleanly are lost (a clean shutdown flushes). The buffer is bounded; past
`max_pending` the oldest records are dropped and counted, never blocking a shopper.
"""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import insert

from apps.serving.orm.recommendations import AiRecoRequest, AiRecoResult
from kernel.db import Database
from kernel.events import Actor
from kernel.uow import UnitOfWork

log = structlog.get_logger("serving.reco_log")


@dataclass(frozen=True)
class ServedRecord:
    request_id: str
    user_id: str | None
    context: str
    product_ids: list[str]
    category_id: str | None
    limit: int
    variant: str | None
    strategy: str
    model_version: str | None
    items: list[tuple[str, float]]
    latency_ms: float
    cache_hit: bool
    requested_at: datetime
    served_at: datetime


class RequestLog:
    def __init__(self, db: Database, outbox, *, flush_seconds: float = 0.5, max_batch: int = 1000,
                 max_pending: int = 50_000) -> None:
        self._db, self._outbox = db, outbox
        self._flush_seconds, self._max_batch = flush_seconds, max_batch
        self._pending: deque[ServedRecord] = deque(maxlen=max_pending)
        self.written = self.dropped = 0

    def record(self, rec: ServedRecord) -> None:
        if len(self._pending) == self._pending.maxlen:
            self.dropped += 1
        self._pending.append(rec)

    async def flush(self) -> int:
        done = 0
        while self._pending:
            batch = [self._pending.popleft() for _ in range(min(self._max_batch, len(self._pending)))]
            try:
                await self._write(batch)
            except Exception as exc:  # noqa: BLE001 - the log must never take the service down; say what was lost
                log.warning("serving.reco_log_failed", records=len(batch), error=f"{type(exc).__name__}: {exc}"[:300])
                self.dropped += len(batch)
                return done
            done += len(batch)
            self.written += len(batch)
        return done

    async def _write(self, batch: list[ServedRecord]) -> None:
        async with UnitOfWork(self._db.sessions, self._outbox) as uow:
            await uow.session.execute(insert(AiRecoRequest), [{
                "request_id": r.request_id, "user_id": r.user_id, "context": r.context, "product_ids": r.product_ids,
                "category_id": r.category_id, "limit": r.limit, "variant": r.variant, "requested_at": r.requested_at,
            } for r in batch])
            await uow.session.execute(insert(AiRecoResult), [{
                "request_id": r.request_id, "strategy": r.strategy, "model_version": r.model_version,
                "items": [{"productId": p, "score": s} for p, s in r.items], "latency_ms": r.latency_ms,
                "cache_hit": r.cache_hit, "served_at": r.served_at,
            } for r in batch])
            for r in batch:
                _emit(uow, r)
            await uow.commit()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=self._flush_seconds)
            except TimeoutError:
                pass
            await self.flush()


def _emit(uow: UnitOfWork, r: ServedRecord) -> None:
    actor = Actor(type="user", id=r.user_id) if r.user_id else Actor(type="system")
    key = r.user_id or r.request_id  # one shopper's events stay in order
    base = {"requestId": r.request_id, "userId": r.user_id, "context": r.context}
    uow.emit("ai.recommendation.requested", {
        **base, "productIds": r.product_ids, "categoryId": r.category_id, "limit": r.limit, "variant": r.variant,
        "requestedAt": r.requested_at}, key=key, actor=actor, occurred_at=r.requested_at)
    uow.emit("ai.recommendation.served", {
        **base, "strategy": r.strategy, "modelVersion": r.model_version, "variant": r.variant,
        "items": [{"productId": p, "score": s, "rank": i} for i, (p, s) in enumerate(r.items, start=1)],
        "latencyMs": r.latency_ms, "cacheHit": r.cache_hit, "servedAt": r.served_at},
        key=key, actor=actor, occurred_at=r.served_at)
