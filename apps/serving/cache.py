"""Per-user cache of served recommendations in Redis, invalidated when the user buys.

One hash per user (`reco:v1:u:<user>`), one field per question asked (variant, context, products, category,
limit), and a generation counter `_g` in the same hash. A purchase bumps the generation (reactions.py), so every
answer cached before it stops matching at once; an answer computed while the purchase was being handled carries
the old generation and is refused by the write script, so a bought item cannot slip back in "a moment later".

Products that stop being showable (archived, vendor suspended, out of stock) are kept in one Redis set
(`reco:v1:hidden`, reactions.py adds and removes them). A cached answer naming any of them is a miss: the read is
one Lua call that returns the answer, the generation and which of its products are hidden, so one round trip
decides. (A global "something changed" epoch was tried first: in a live shop some product sells out every few
seconds, and the warm cache hit rate fell to ~40 %.) When Redis fails every call degrades to "not cached" and
Redis is left alone for `retry_after` seconds, as in apps/cart/cache.py.
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import redis.asyncio as redis
import structlog

from kernel.redis_guard import OutageWindow, request_path_client

log = structlog.get_logger("serving.reco_cache")
_FAILURES = (redis.RedisError, OSError, asyncio.TimeoutError)
HIDDEN_KEY = "reco:v1:hidden"
GEN = "_g"
BOUGHT_TTL = 86_400  # the database keeps purchases for good; Redis only guards the moments after one

# KEYS[1] = user hash, KEYS[2] = hidden set; ARGV[1] = field. Returns {answer or false, generation, hidden ids}.
_LOOKUP = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local gen = redis.call('HGET', KEYS[1], '_g') or '0'
local hidden = {}
if raw then
  local ok, doc = pcall(cjson.decode, raw)
  if not ok then return {false, gen, hidden} end
  for _, part in ipairs({'items', 'together'}) do
    if type(doc[part]) == 'table' then
      for _, item in ipairs(doc[part]) do
        if redis.call('SISMEMBER', KEYS[2], item[1]) == 1 then table.insert(hidden, item[1]) end
      end
    end
  end
end
return {raw or false, gen, hidden}
"""
# KEYS[1] = user hash; ARGV = field, document, generation it was computed under, ttl. 1 stored, 0 refused.
_PUT_IF_GEN = """
local g = redis.call('HGET', KEYS[1], '_g') or '0'
if g ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
"""


def user_key(user_id: str | None) -> str:
    return f"reco:v1:u:{user_id or 'anonymous'}"


def bought_key(user_id: str) -> str:
    return f"reco:v1:bought:{user_id}"


@dataclass(frozen=True)
class Lookup:
    doc: dict[str, Any] | None  # the cached answer, already checked against generation and hidden products
    gen: str  # the user's generation now: a fresh answer is cached under it


class RecoCache:
    def __init__(self, url: str, *, ttl_seconds: int = 300, timeout_seconds: float = 0.25,
                 retry_after_seconds: float = 5.0) -> None:
        self._client = request_path_client(url, timeout_seconds=timeout_seconds)
        self._put = self._client.register_script(_PUT_IF_GEN)
        self._lookup = self._client.register_script(_LOOKUP)
        self._ttl = ttl_seconds
        self.outage = OutageWindow(retry_after_seconds, log=log, event="serving.reco_cache_unavailable")
        self.hits = self.misses = self.failures = 0

    @property
    def available(self) -> bool:
        return self.outage.available

    def _failed(self, op: str, exc: BaseException) -> None:
        self.failures += 1
        self.outage.failed(op, exc)

    async def lookup(self, user_id: str | None, field: str) -> Lookup | None:
        """None when Redis is unavailable (then nothing is cached either)."""
        if not self.available:
            return None
        try:
            raw, gen, hidden = await self._lookup(keys=[user_key(user_id), HIDDEN_KEY], args=[field])
        except _FAILURES as exc:
            self._failed("lookup", exc)
            return None
        gen = _text(gen) or "0"
        doc = None
        if raw and not hidden:
            try:
                doc = json.loads(raw)
            except ValueError:
                doc = None
        if doc is not None and doc.get("_g") != gen:
            doc = None
        if doc is None:
            self.misses += 1
        else:
            self.hits += 1
        return Lookup(doc, gen)

    async def store(self, user_id: str | None, field: str, doc: dict[str, Any], seen: Lookup) -> bool:
        if not self.available:
            return False
        body = json.dumps({**doc, "_g": seen.gen}, separators=(",", ":"))
        try:
            return bool(await self._put(keys=[user_key(user_id)], args=[field, body, seen.gen, self._ttl]))
        except _FAILURES as exc:
            self._failed("store", exc)
            return False

    async def invalidate_user(self, user_id: str, bought: list[str], attempts: int = 3) -> bool:
        """The user bought `bought`: every cached answer of theirs goes stale, and the items are remembered.

        Tried a few times even inside an outage window: a missed invalidation is the one failure a shopper would
        see (a bought item back "for you" until the ttl)."""
        for attempt in range(attempts):
            try:
                async with self._client.pipeline(transaction=True) as pipe:
                    pipe.hincrby(user_key(user_id), GEN, 1)
                    pipe.expire(user_key(user_id), self._ttl)
                    if bought:
                        pipe.sadd(bought_key(user_id), *bought)
                        pipe.expire(bought_key(user_id), BOUGHT_TTL)
                    await pipe.execute()
                return True
            except _FAILURES as exc:
                self._failed("invalidate", exc)
                await asyncio.sleep(0.1 * (attempt + 1))
        log.error("serving.reco_invalidation_lost", user_id=user_id, ttl_seconds=self._ttl)
        return False

    async def bought(self, user_id: str) -> set[str]:
        if not self.available:
            return set()
        try:
            return {_text(m) for m in await self._client.smembers(bought_key(user_id))}
        except _FAILURES as exc:
            self._failed("bought", exc)
            return set()

    async def mark(self, *, hidden: list[str], shown: list[str]) -> None:
        """Products that may no longer be shown, and those that may again (a restock, a reinstated vendor)."""
        if not hidden and not shown:
            return
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                if hidden:
                    pipe.sadd(HIDDEN_KEY, *hidden)
                if shown:
                    pipe.srem(HIDDEN_KEY, *shown)
                await pipe.execute()
        except _FAILURES as exc:
            self._failed("mark", exc)
            raise  # the consumer retries the event: a product left showable in the cache is the failure to avoid

    async def close(self) -> None:
        try:
            await self._client.aclose()
        except _FAILURES:
            pass


def _text(value: Any) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
