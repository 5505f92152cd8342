"""Per-client token bucket in Redis: atomic in one Lua script so concurrent gateways share one budget.

When Redis is down the gateway keeps answering (availability over exact limits) but does not stop limiting: each
gateway process falls back to the same token bucket in its own memory until Redis answers again (checked once per
outage window), so one client still cannot flood the services; across N processes the budget is N times wider
for the outage's length.

Leases, so that a busy client does not cost a Redis round-trip per request: a process takes tokens from the shared
bucket in batches and spends them locally. A client starts with leases of one token — exactly the shared bucket,
one Redis call per request. Each time a lease is spent within GROW_SECONDS of being taken (a client faster than
about 5 requests/s in this process) the next one doubles, up to `max_lease` = 5 % of the burst (at least 1); a
slower pace drops it back to one. Unspent tokens are dropped LEASE_SECONDS after the lease was taken.
Tolerance, with P gateway processes: in any window a client passes at most P × max_lease requests more than the
shared bucket alone would allow (tokens leased before the window, spent in it), and may be refused while up to
(P − 1) × max_lease tokens sit leased elsewhere or were dropped: ±5 requests per process with the default burst
of 100, none for a client slower than the growth threshold. The shared bucket itself is never overdrawn.
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass

import redis.asyncio as redis
import structlog

from kernel.redis_guard import OutageWindow

log = structlog.get_logger("gateway.ratelimit")

# KEYS[1] bucket; ARGV: capacity, refill per second, now (s), wanted. Takes up to `wanted` whole tokens when at
# least one is there. Returns {granted, retry_after_ms (when none was), tokens left}.
_TOKEN_BUCKET = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local wanted = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local granted = 0
local retry_ms = 0
if tokens >= 1 then
  granted = math.min(wanted, math.floor(tokens))
  tokens = tokens - granted
else
  retry_ms = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {granted, retry_ms, math.floor(tokens)}
"""
GROW_SECONDS = 0.2
LEASE_SECONDS = 1.0


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


@dataclass(slots=True)
class _Lease:
    tokens: int = 0  # taken from the shared bucket, not spent yet
    size: int = 1  # what the last call to Redis asked for
    taken_at: float = float("-inf")
    shared_left: int = 0  # what Redis said was left in the shared bucket then, for X-RateLimit-Remaining


class RateLimiter:
    def __init__(self, client: redis.Redis, *, per_minute: int, burst: int, retry_redis_after_seconds: float = 5.0,
                 max_lease: int | None = None) -> None:
        self.client, self.capacity, self.rate = client, max(1, burst), max(per_minute, 1) / 60.0
        self.max_lease = max(1, max_lease if max_lease is not None else self.capacity // 20)
        self._script = client.register_script(_TOKEN_BUCKET)
        self.local = LocalBuckets(self.capacity, self.rate)
        self.outage = OutageWindow(retry_redis_after_seconds, log=log, event="ratelimit.redis_unavailable")
        self._leases: dict[str, _Lease] = {}
        self._asking: dict[str, asyncio.Future] = {}  # one Redis call per client at a time; the others wait for it

    async def hit(self, client_key: str) -> tuple[bool, int, int]:
        """(allowed, retry_after_seconds, remaining): the shared bucket in Redis, spent through this process's lease
        (module docstring), or this process's own bucket while Redis is down."""
        while True:
            now = time.monotonic()
            lease = self._leases.get(client_key)
            if lease is not None and lease.tokens > 0:
                if now - lease.taken_at < LEASE_SECONDS:
                    lease.tokens -= 1
                    return True, 0, lease.shared_left + lease.tokens
                lease.tokens = 0  # unspent too long: dropped, never handed back (the limit errs on the strict side)
            if not self.outage.available:
                return self.local.hit(client_key, now)
            if (asking := self._asking.get(client_key)) is None:
                return await self._take(client_key, lease, now)
            await asyncio.shield(asking)  # a lease is on its way: spend from it rather than ask Redis again

    async def _take(self, client_key: str, lease: _Lease | None, now: float) -> tuple[bool, int, int]:
        if lease is None:
            if len(self._leases) >= LocalBuckets.MAX_KEYS:
                self._leases.clear()
            lease = self._leases[client_key] = _Lease()
        # The last lease spent quickly: a busy client, ask for twice as much. Else one token, as without leases.
        wanted = min(self.max_lease, lease.size * 2) if now - lease.taken_at < GROW_SECONDS else 1
        self._asking[client_key] = asking = asyncio.get_running_loop().create_future()
        try:
            granted, retry_ms, left = await self._script(
                keys=[f"rl:{client_key}"], args=[self.capacity, self.rate, time.time(), wanted])
        except (redis.RedisError, OSError) as exc:
            self.outage.failed("ratelimit", exc)
            return self.local.hit(client_key, time.monotonic())
        finally:
            del self._asking[client_key]
            asking.set_result(None)
        granted = int(granted)
        lease.size, lease.taken_at, lease.shared_left = wanted, time.monotonic(), int(left)
        if granted < 1:
            return False, max(1, math.ceil(int(retry_ms) / 1000)), 0
        lease.tokens = granted - 1  # one is this request's
        return True, 0, lease.shared_left + lease.tokens
