"""The gateway's rate limit spends the shared Redis bucket through per-process leases (apps/gateway/ratelimit.py):
a slow client costs one Redis call per request and sees exactly the shared bucket; a busy one costs far fewer
calls; across processes the shared bucket is never overdrawn and at most a lease per process is left unspent.
Redis is an in-memory stand-in running the same token bucket as the Lua script."""
from __future__ import annotations

import asyncio
import math
import time

from apps.gateway.ratelimit import GROW_SECONDS, RateLimiter


class BucketRedis:
    """register_script() → the Lua token bucket, in Python, over a shared dict; counts calls."""

    def __init__(self) -> None:
        self.state: dict[str, tuple[float, float]] = {}
        self.calls = 0

    def register_script(self, _source: str):
        async def script(*, keys: list[str], args: list) -> list[int]:
            self.calls += 1
            await asyncio.sleep(0)  # a round-trip: other requests run meanwhile
            capacity, rate, now, wanted = float(args[0]), float(args[1]), float(args[2]), int(args[3])
            tokens, ts = self.state.get(keys[0], (capacity, now))
            tokens = min(capacity, tokens + max(0.0, now - ts) * rate)
            granted, retry_ms = 0, 0
            if tokens >= 1:
                granted = min(wanted, math.floor(tokens))
                tokens -= granted
            else:
                retry_ms = math.ceil((1 - tokens) / rate * 1000)
            self.state[keys[0]] = (tokens, now)
            return [granted, retry_ms, math.floor(tokens)]

        return script


async def test_a_slow_client_asks_redis_every_time_and_gets_the_shared_bucket_exactly():
    redis = BucketRedis()
    limiter = RateLimiter(redis, per_minute=60, burst=3)
    outcomes = []
    for _ in range(4):
        outcomes.append(await limiter.hit("user:slow"))
        await asyncio.sleep(GROW_SECONDS + 0.01)  # slower than the growth threshold
    assert [a for a, _, _ in outcomes] == [True, True, True, False]
    assert [r for _, _, r in outcomes[:3]] == [2, 1, 0] and outcomes[3][1] >= 1
    assert redis.calls == 4


async def test_a_busy_client_is_served_from_leases_with_far_fewer_redis_calls():
    redis = BucketRedis()
    limiter = RateLimiter(redis, per_minute=1, burst=100_000)  # max lease: 5,000; no refill to speak of
    outcomes = [await limiter.hit("ip:bench") for _ in range(2000)]
    assert all(a for a, _, _ in outcomes)
    assert redis.calls < 20
    # Remaining: what the shared bucket and this process's lease still hold.
    assert 100_000 - 2000 <= outcomes[-1][2] <= 100_000 - 2000 + 1


async def test_two_processes_never_overdraw_the_shared_bucket():
    redis = BucketRedis()
    burst = 100
    procs = [RateLimiter(redis, per_minute=1, burst=burst), RateLimiter(redis, per_minute=1, burst=burst)]
    allowed = 0
    for i in range(400):  # no refill to speak of (1 per minute)
        allowed += (await procs[i % 2].hit("user:busy"))[0]
    assert burst - procs[0].max_lease <= allowed <= burst + 1  # +1: the refill over the test's own seconds


async def test_concurrent_requests_share_one_redis_call_per_lease():
    redis = BucketRedis()
    limiter = RateLimiter(redis, per_minute=600_000, burst=100_000)
    results = await asyncio.gather(*(limiter.hit("ip:crowd") for _ in range(64)))
    assert all(a for a, _, _ in results)
    assert redis.calls < 16  # leases double while spent quickly; waiters spend them instead of asking Redis


async def test_unspent_tokens_are_dropped_after_the_lease_lifetime(monkeypatch):
    import apps.gateway.ratelimit as rl

    monkeypatch.setattr(rl, "LEASE_SECONDS", 0.05)
    redis = BucketRedis()
    limiter = RateLimiter(redis, per_minute=1, burst=1000, max_lease=50)
    for _ in range(200):
        await limiter.hit("user:x")
    calls = redis.calls
    time.sleep(0.06)
    assert (await limiter.hit("user:x"))[0] and redis.calls == calls + 1  # the stale lease was not spent
