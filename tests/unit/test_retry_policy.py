"""The one backoff policy (kernel/retry.py, tenacity): grows exponentially from 0.2 s and is capped at 10 s."""
from __future__ import annotations

import pytest

from kernel.retry import backoff_seconds, retrying


def test_backoff_doubles_and_is_capped():
    waits = [backoff_seconds(n) for n in range(1, 10)]
    assert waits[:4] == [0.2, 0.4, 0.8, 1.6]
    assert max(waits) == 10 and waits == sorted(waits)
    assert backoff_seconds(0) == 0.2


async def test_retrying_reraises_the_last_failure_after_the_attempts():
    calls = 0
    with pytest.raises(KeyError):
        async for attempt in retrying(3):
            with attempt:
                calls += 1
                raise KeyError("still broken")
    assert calls == 3
