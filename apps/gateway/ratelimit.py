"""Per-client token bucket in Redis: atomic in one Lua script so concurrent gateways share one budget."""
from __future__ import annotations

import math
import time

import redis.asyncio as redis
import structlog

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


class RateLimiter:
    def __init__(self, client: redis.Redis, *, per_minute: int, burst: int) -> None:
        self.client, self.capacity, self.rate = client, max(1, burst), max(per_minute, 1) / 60.0
        self._script = client.register_script(_TOKEN_BUCKET)

    async def hit(self, client_key: str) -> tuple[bool, int, int]:
        """(allowed, retry_after_seconds, remaining). Fails open if Redis is down: availability over limits."""
        try:
            allowed, retry_ms, remaining = await self._script(
                keys=[f"rl:{client_key}"], args=[self.capacity, self.rate, time.time(), 1])
        except redis.RedisError as exc:
            log.warning("ratelimit.redis_unavailable", error=str(exc))
            return True, 0, self.capacity
        return bool(allowed), max(1, math.ceil(int(retry_ms) / 1000)) if not allowed else 0, int(remaining)
