"""The warehouse (a private chDB HTTP server) down for a while under load: the sink retries with back-off and
nothing is lost or doubled once it is back; orders never depended on it."""
from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.timeout(600)


async def test_warehouse_down_sink_retries_and_loses_nothing(fault_env):
    env = fault_env
    before = env.wait_balanced()

    async def warehouse_outage() -> None:
        await asyncio.sleep(2)
        await asyncio.to_thread(env.stack.warehouse.stop)
        await asyncio.sleep(8)
        await asyncio.to_thread(env.stack.warehouse.start)

    samples = await env.load(12, during=warehouse_outage)
    assert not [s for s in samples.statuses if s.startswith("5")], samples.first_errors
    after = env.wait_balanced(timeout=180)
    assert after.orders > before.orders
    retried = env.worker.log.read_bytes().count(b"warehouse insert failed")
    print(f"warehouse down: before {before.line()}; after {after.line()}; load {samples.completed} purchases; "
          f"sink retries logged {retried}")
