"""Create every declared topic (kernel.contracts.topics.ALL_TOPICS) with its partition count.

The local broker (Tansu, memory storage) forgets topics when it restarts and auto-creates unknown topics with
4 partitions, so `mkt stack up` runs this after every start. Existing topics are left alone; a topic whose
partition count differs from the declaration is reported, not changed.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import dataclass, field
from typing import Iterable

from kernel.contracts.topics import ALL_TOPICS, Topic


@dataclass
class TopicReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    mismatched: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (declared, actual)


async def partition_counts(bootstrap: str, names: Iterable[str] | None = None) -> dict[str, int]:
    """Partition count per existing topic (all topics if names is None)."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        return await _counts(admin, names)
    finally:
        await admin.close()


async def _counts(admin, names: Iterable[str] | None) -> dict[str, int]:
    existing = set(await admin.list_topics())
    wanted = sorted(existing if names is None else existing & set(names))
    if not wanted:
        return {}
    described = await admin.describe_topics(wanted)
    return {d["topic"]: len(d["partitions"]) for d in described if not d.get("error_code")}


async def ensure_topics_async(bootstrap: str, topics: Iterable[Topic] = ALL_TOPICS) -> TopicReport:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    topics = list(topics)
    report = TopicReport()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        counts = await _counts(admin, [t.name for t in topics])
        missing = [t for t in topics if t.name not in counts]
        for t in topics:
            if t.name in counts:
                report.existing.append(t.name)
                if counts[t.name] != t.partitions:
                    report.mismatched[t.name] = (t.partitions, counts[t.name])
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name=t.name, num_partitions=t.partitions, replication_factor=1) for t in missing]
                )
                report.created.extend(t.name for t in missing)
            except TopicAlreadyExistsError:  # someone raced us: create one by one
                for t in missing:
                    try:
                        await admin.create_topics([NewTopic(t.name, t.partitions, 1)])
                        report.created.append(t.name)
                    except TopicAlreadyExistsError:
                        report.existing.append(t.name)
    finally:
        await admin.close()
    return report


def run_async(coro):
    """Run a coroutine from sync code, also when this thread already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def ensure_topics(bootstrap: str, topics: Iterable[Topic] = ALL_TOPICS) -> TopicReport:
    return run_async(ensure_topics_async(bootstrap, topics))
