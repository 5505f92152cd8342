"""Redis (a private redis-server) down under load: carts degrade to PostgreSQL and purchases go on; the gateway's
rate limiter falls back to per-process token buckets (chosen: keep limiting, per process, rather than fail open or
closed) and switches back to the shared bucket when Redis returns."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as redis

from apps.gateway.ratelimit import RateLimiter

pytestmark = pytest.mark.timeout(600)


async def test_redis_down_carts_degrade_and_limiter_falls_back(fault_env):
    env = fault_env
    before = env.wait_balanced()
    client = redis.from_url(f"redis://127.0.0.1:{env.stack.redis_port}/0", socket_connect_timeout=0.5)
    limiter = RateLimiter(client, per_minute=60, burst=3, retry_redis_after_seconds=0.5)
    shared = [await limiter.hit("drill") for _ in range(4)]
    assert [a for a, _, _ in shared] == [True, True, True, False]  # the shared bucket, in Redis
    env.stack.redis.stop()
    try:
        local = [await limiter.hit("drill-2") for _ in range(4)]  # no exception: the local bucket decides
        assert [a for a, _, _ in local] == [True, True, True, False]
        samples = await env.load(8)
    finally:
        env.stack.redis.start()
    assert samples.completed > 0
    assert not [s for s in samples.statuses if s.startswith("5")], samples.first_errors
    await asyncio.sleep(0.6)
    back = await limiter.hit("drill-3")
    assert back[0] and await client.exists("rl:drill-3")  # Redis is the bucket again
    await client.aclose()
    after = env.wait_balanced(timeout=120)
    print(f"redis down: before {before.line()}; after {after.line()}; load {samples.completed} purchases, "
          f"errors {dict(samples.errors)}")
