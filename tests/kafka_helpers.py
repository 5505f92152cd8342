"""Reading topics back from the real broker in tests."""
from __future__ import annotations

import asyncio
import json
import os
import time

from aiokafka import AIOKafkaConsumer, TopicPartition

from kernel.settings import common_settings

STREAMS_GROUP = os.environ.get("STREAMS_APP_ID", "marketplace-streams")


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


async def end_offsets(topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        await consumer.topics()  # loads the cluster metadata
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: off for tp, off in (await consumer.end_offsets(partitions)).items()}
    finally:
        await consumer.stop()


async def wait_committed(bootstrap: str, topic: str, ends: dict[int, int], timeout: float = 30.0,
                         group: str = STREAMS_GROUP) -> None:
    """Until the stream worker's group has committed past `ends`: proof it processed (not just received) them."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        started = time.monotonic()
        for partition, end in ends.items():
            while ((await consumer.committed(TopicPartition(topic, partition))) or 0) < end:
                assert time.monotonic() - started < timeout, f"{topic}[{partition}] not committed to {end}"
                await asyncio.sleep(0.2)
    finally:
        await consumer.stop()
