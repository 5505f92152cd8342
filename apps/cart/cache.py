"""The Redis hot copy of carts: a read-through cache of the serialized cart document, rewritten after every change.

PostgreSQL stays the truth. Every cart change bumps `carts.version` in its transaction, and the cache only ever
accepts a document with a higher version than the one it holds (one atomic script), so a slow reader can never
overwrite a newer cart with an older one. When Redis fails, every call degrades to "not cached" (reads go to
PostgreSQL, writes are skipped) and Redis is left alone for `retry_after` seconds so an outage costs one short
timeout, not one per request.

A skipped rewrite would leave Redis holding an older cart once it answers again (a partition, not a restart). So
this process remembers whose rewrite it skipped and reads those carts from PostgreSQL until a rewrite succeeds
(the newer version then replaces the stale one). Another replica cannot know: entries expire after `ttl`, which
bounds that staleness.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

import redis.asyncio as redis
import structlog

from kernel.redis_guard import OutageWindow, request_path_client

log = structlog.get_logger("cart.cache")

# KEYS[1] = cart key; ARGV = version, document, ttl seconds. Returns 1 when stored, 0 when a newer one is there.
_PUT_NEWER = """
local held = redis.call('HGET', KEYS[1], 'v')
if held and tonumber(held) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'doc', ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""
_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
MAX_DIRTY = 100_000  # carts whose rewrite was skipped; beyond this the oldest knowledge is dropped (ttl still holds)


def cart_key(user_id: str) -> str:
    return f"cart:v1:{user_id}"


class CartCache:
    def __init__(self, url: str, *, ttl_seconds: int, timeout_seconds: float, retry_after_seconds: float) -> None:
        self._client = request_path_client(url, timeout_seconds=timeout_seconds)
        self._put = self._client.register_script(_PUT_NEWER)
        self._ttl = ttl_seconds
        self.outage = OutageWindow(retry_after_seconds, log=log, event="cart.cache_unavailable")
        self._dirty: dict[str, None] = {}  # insertion-ordered set of user ids
        self.hits = self.misses = self.failures = 0

    @property
    def available(self) -> bool:
        return self.outage.available

    def _failed(self, op: str, exc: BaseException) -> None:
        self.failures += 1
        self.outage.failed(op, exc)

    def _mark_dirty(self, user_id: str) -> None:
        self._dirty[user_id] = None
        if len(self._dirty) > MAX_DIRTY:
            self._dirty.pop(next(iter(self._dirty)))

    def is_dirty(self, user_id: str) -> bool:
        return user_id in self._dirty

    async def get(self, user_id: str) -> dict[str, Any] | None:
        if not self.available or user_id in self._dirty:
            return None
        try:
            raw = await self._client.hget(cart_key(user_id), "doc")
        except _FAILURES as exc:
            self._failed("get", exc)
            return None
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        try:
            return json.loads(raw)
        except ValueError:
            return None  # a corrupt entry reads as a miss and is replaced by the next write

    async def put(self, doc: dict[str, Any]) -> bool:
        """Store the document unless a newer version is cached; False when skipped or Redis is down."""
        user_id = doc["userId"]
        if not self.available:
            self._mark_dirty(user_id)
            return False
        try:
            stored = await self._put(keys=[cart_key(user_id)],
                                     args=[int(doc["version"]), json.dumps(doc, separators=(",", ":")), self._ttl])
        except _FAILURES as exc:
            self._failed("put", exc)
            self._mark_dirty(user_id)
            return False
        self._dirty.pop(user_id, None)  # Redis now holds this version or a newer one
        return bool(stored)

    async def drop(self, user_id: str) -> None:
        if not self.available:
            return
        try:
            await self._client.delete(cart_key(user_id))
        except _FAILURES as exc:
            self._failed("drop", exc)

    async def ping(self) -> bool:
        return bool(await self._client.ping())

    async def close(self) -> None:
        try:
            await self._client.aclose()
        except _FAILURES:
            pass
