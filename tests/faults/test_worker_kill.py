"""The stream worker `kill -9`ed mid-load, then started again: it resumes from its committed offsets, so the
warehouse ends with every event once (no gap, no double count) and the money equal to PostgreSQL's."""
from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.timeout(600)


async def test_worker_kill9_resumes_without_gap_or_double_count(fault_env):
    env = fault_env
    before = env.wait_balanced()

    async def kill_worker() -> None:
        await asyncio.sleep(4)
        env.worker.kill9()  # no shutdown: whatever was in flight is neither landed-and-committed nor lost

    samples = await env.load(10, during=kill_worker)
    assert not [s for s in samples.statuses if s.startswith("5")], samples.first_errors
    mid = env.books()
    assert mid.orders > before.orders
    env.worker.start()
    after = env.wait_balanced(timeout=180)
    assert after.orders == mid.orders and after.warehouse_rows == after.outbox_events
    print(f"worker kill -9: before {before.line()}; while down {mid.line()}; after {after.line()}; "
          f"load {samples.completed} purchases")
