"""Reading topics back from the real broker in tests."""
from __future__ import annotations

import asyncio
import json
import time

from aiokafka import AIOKafkaConsumer

from kernel.settings import common_settings


async def wait_for_events(topic: str, event_ids: set[str], timeout: float = 30.0) -> list[dict]:
    """Every envelope on `topic` (from the beginning) until all `event_ids` were seen; in partition order."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=common_settings().kafka_bootstrap_servers,
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: list[dict] = []
    found: set[str] = set()
    deadline = time.monotonic() + timeout
    try:
        while not event_ids <= found and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    try:
                        env = json.loads(record.value)
                    except ValueError:
                        continue
                    env["_key"] = record.key.decode() if record.key else None
                    env["_partition"], env["_offset"] = record.partition, record.offset
                    seen.append(env)
                    found.add(env.get("eventId"))
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    missing = event_ids - found
    assert not missing, f"{len(missing)} events never reached {topic}: {sorted(missing)[:5]}"
    return seen
