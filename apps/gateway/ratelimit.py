"""Per-client token bucket in Redis: atomic in one Lua script so concurrent gateways share one budget.

When Redis is down the gateway keeps answering (availability over exact limits) but does not stop limiting: each
gateway process falls back to the same token bucket in its own memory until Redis answers again (checked once per
outage window), so one client still cannot flood the services; across N processes the budget is N times wider
for the outage's length."""
from __future__ import annotations

import math
import time

import redis.asyncio as redis
import structlog

from kernel.redis_guard import OutageWindow

log = structlog.get_logger("gateway.ratelimit")

# KEYS[1] bucket; ARGV: capacity, refill per second, now (s), cost. Returns {allowed, retry_after_ms, tokens}.
_TOKEN_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry_ms = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry_ms = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, retry_ms, math.floor(tokens)}
"""


class LocalBuckets:
    """The same token bucket in process memory: the fallback while Redis is down."""

    MAX_KEYS = 100_000  # a flood of distinct clients must not grow memory without bound

    def __init__(self, capacity: int, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self._state: dict[str, tuple[float, float]] = {}

    def hit(self, key: str, now: float) -> tuple[bool, int, int]:
        tokens, ts = self._state.get(key, (float(self.capacity), now))
        tokens = min(self.capacity, tokens + max(0.0, now - ts) * self.rate)
        if tokens >= 1:
            allowed, retry, tokens = True, 0, tokens - 1
        else:
            allowed, retry = False, max(1, math.ceil((1 - tokens) / self.rate))
        if len(self._state) >= self.MAX_KEYS and key not in self._state:
            self._state.clear()
        self._state[key] = (tokens, now)
        return allowed, retry, int(tokens)


class RateLimiter:
    def __init__(self, client: redis.Redis, *, per_minute: int, burst: int, retry_redis_after_seconds: float = 5.0) -> None:
        self.client, self.capacity, self.rate = client, max(1, burst), max(per_minute, 1) / 60.0
        self._script = client.register_script(_TOKEN_BUCKET)
        self.local = LocalBuckets(self.capacity, self.rate)
        self.outage = OutageWindow(retry_redis_after_seconds, log=log, event="ratelimit.redis_unavailable")

    async def hit(self, client_key: str) -> tuple[bool, int, int]:
        """(allowed, retry_after_seconds, remaining): Redis's shared bucket, or this process's while Redis is down."""
        if self.outage.available:
            try:
                allowed, retry_ms, remaining = await self._script(
                    keys=[f"rl:{client_key}"], args=[self.capacity, self.rate, time.time(), 1])
                return bool(allowed), max(1, math.ceil(int(retry_ms) / 1000)) if not allowed else 0, int(remaining)
            except (redis.RedisError, OSError) as exc:
                self.outage.failed("ratelimit", exc)
        return self.local.hit(client_key, time.monotonic())
