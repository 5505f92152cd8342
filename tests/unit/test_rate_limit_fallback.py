"""The gateway's rate limit while Redis is down: requests keep being answered, and each process still limits each
client with its own bucket (ARCHITECTURE choice documented in apps/gateway/ratelimit.py). Redis here is a real
client pointed at a closed port — nothing listens, as after a crash."""
from __future__ import annotations

import socket
import time

from apps.gateway.ratelimit import LocalBuckets, RateLimiter
from kernel.redis_guard import request_path_client


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_redis_down_falls_back_to_a_local_bucket_that_still_limits():
    client = request_path_client(f"redis://127.0.0.1:{_closed_port()}/0", timeout_seconds=0.25)
    limiter = RateLimiter(client, per_minute=60, burst=3, retry_redis_after_seconds=30)
    started = time.monotonic()
    outcomes = [await limiter.hit("user:a") for _ in range(5)]
    assert [allowed for allowed, _, _ in outcomes] == [True, True, True, False, False]
    assert outcomes[3][1] >= 1  # Retry-After in whole seconds
    assert (await limiter.hit("user:b"))[0] is True  # another client has its own bucket
    assert not limiter.outage.available  # Redis is left alone for the window, not retried per request
    assert time.monotonic() - started < 5
    await client.aclose()


def test_local_bucket_refills_at_the_configured_rate():
    bucket = LocalBuckets(capacity=2, rate=1.0)
    assert [bucket.hit("k", 0.0)[0] for _ in range(3)] == [True, True, False]
    assert bucket.hit("k", 0.5)[0] is False
    assert bucket.hit("k", 1.2)[0] is True
