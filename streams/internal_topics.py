"""Keep the worker's own internal topics (the feature-signals re-key topic, the tables' changelogs) in existence.

Faust declares them once, when the worker starts. A broker that loses its topics while the worker runs (the local
Tansu keeps them only in memory; a production cluster after a botched restore) then leaves the worker producing to
and committing offsets for topics that do not exist: thousands of `OffsetCommit failed ...
UnknownTopicOrPartitionError` a minute, and the real-time feature path dead until someone restarts the worker.
This timer notices the loss and recreates them with the partition counts faust declared, so the worker heals by
itself. Source (contract) topics are not touched: `mkt stack up` / the deployment owns those.
"""
from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from streams.app import app, settings

log = logging.getLogger(__name__)
CHECK_SECONDS = 5.0
_admin: list[AIOKafkaAdminClient] = []
recreated: list[str] = []


def internal_topics() -> dict[str, int]:
    """Name -> partition count of every internal topic this worker declared (agents' re-key topics, changelogs)."""
    topics = [t for t in app.topics if getattr(t, "internal", False)]
    topics += [table.changelog_topic for table in app.tables.values()]
    return {name: topic.partitions or app.conf.topic_partitions for topic in topics for name in topic.topics}


async def _client() -> AIOKafkaAdminClient:
    if not _admin:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, request_timeout_ms=5000)
        await admin.start()
        _admin.append(admin)
    return _admin[0]


async def _drop_client() -> None:
    while _admin:
        try:
            await _admin.pop().close()
        except Exception:  # noqa: BLE001 - a broken client must not mask the next check
            pass


async def ensure_internal_topics() -> list[str]:
    """Create whichever internal topics the broker lacks; returns their names."""
    wanted = internal_topics()
    admin = await _client()
    missing = sorted(set(wanted) - set(await admin.list_topics()))
    created = []
    for name in missing:
        try:
            await admin.create_topics([NewTopic(name, wanted[name], 1)])
            created.append(name)
        except TopicAlreadyExistsError:  # faust (or another worker) got there first
            pass
    return created


@app.timer(interval=CHECK_SECONDS)
async def heal_internal_topics() -> None:
    try:
        created = await ensure_internal_topics()
    except (KafkaError, OSError, TimeoutError) as exc:  # broker down: the next tick tries again
        await _drop_client()
        log.debug("internal topic check failed: %r", exc)
        return
    if created:
        recreated.extend(created)
        log.warning("the broker had lost internal topics %s: recreated them", created)
