"""Retries with exponential backoff, from tenacity (one policy for the relay, the consumers and the loops that
outlive outages)."""
from __future__ import annotations

from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_exponential

BACKOFF = wait_exponential(multiplier=0.2, min=0.2, max=10)


def retrying(attempts: int) -> AsyncRetrying:
    """`async for attempt in retrying(5): with attempt: ...` — the last failure is re-raised."""
    return AsyncRetrying(stop=stop_after_attempt(attempts), wait=BACKOFF, reraise=True)


def backoff_seconds(failures: int) -> float:
    """The wait after `failures` consecutive failures of an endless loop (a relay that must outlive the broker)."""
    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
    state.attempt_number = max(1, failures)
    return BACKOFF(state)
