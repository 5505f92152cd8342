"""The warehouse sink's own Kafka consumer: whole fetches as batches, not faust's stream of single events.

Faust's per-event machinery (an Event per message, the conductor, sensors, one ack per event) cost the worker
about as much CPU per event as parsing and inserting it many times over, while a plain aiokafka `getmany` hands
over thousands of records per call. The sink needs no faust feature (no tables, no re-keying), so it reads with
aiokafka inside the faust worker, in a consumer group of its own, and commits a batch's offsets only after its
rows landed (and its rejects were dead-lettered): the same at-least-once reading as before, deduped on eventId.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from kernel.contracts.topics import DOMAIN_TOPICS

log = logging.getLogger(__name__)


def waited(records: list[ConsumerRecord], within: float) -> float:
    """How long the oldest of these records has waited since it was produced (its CreateTime), between 0 and
    `within`. A producer clock ahead of ours counts as no wait; one behind only closes batches sooner: a batch
    never waits longer than `within` after its first record arrived, as before."""
    oldest = min((r.timestamp for r in records if r.timestamp_type == 0 and r.timestamp > 0), default=None)
    return 0.0 if oldest is None else min(max(0.0, time.time() - oldest / 1000), within)


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, sink_consumer: "SinkConsumer") -> None:
        self.sink_consumer = sink_consumer

    async def on_partitions_revoked(self, revoked) -> None:  # type: ignore[no-untyped-def]
        await self.sink_consumer.revoked()

    async def on_partitions_assigned(self, assigned) -> None:  # type: ignore[no-untyped-def]
        await self.sink_consumer.assigned(set(assigned))


class SinkConsumer:
    """Batches are landed inside `landing` (an asyncio lock): a rebalance waits there, so a batch in flight lands
    and commits before its partitions can move to another lane or worker, which would otherwise read the same
    uncommitted events and look them up in the warehouse before this insert lands (both would insert). A batch
    fetched under an earlier assignment and not landed yet is dropped instead (`stale`): each new assignment
    starts every partition at its last commit, so whoever owns them now reads those events again."""

    def __init__(self, settings, on_assigned: Callable[[], None], lane: int = 0) -> None:  # type: ignore[no-untyped-def]
        self.settings, self.on_assigned = settings, on_assigned
        self.group = f"{settings.app_id}-warehouse-sink"
        self.landing = asyncio.Lock()
        self._assignments = 0
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers, group_id=self.group, enable_auto_commit=False,
            auto_offset_reset=settings.consumer_auto_offset_reset, client_id=f"{self.group}-{lane}",
            session_timeout_ms=int(settings.broker_session_timeout * 1000),
            rebalance_timeout_ms=int(settings.broker_rebalance_timeout * 1000),
            heartbeat_interval_ms=int(settings.broker_heartbeat_interval * 1000),
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )

    async def start(self) -> None:
        await self.consumer.start()
        self.consumer.subscribe([topic.name for topic in DOMAIN_TOPICS], listener=_Rebalance(self))

    async def stop(self) -> None:
        await self.consumer.stop()

    async def assigned(self, partitions: set[TopicPartition]) -> None:
        """Partitions may have moved here: reset what the worker vouches for. A partition this group never committed
        starts at its beginning (auto_offset_reset, earliest) and the per-batch event-id lookup drops what the
        warehouse already holds. It used to start where faust's group had left off, which was right only while
        faust ran the sink: faust's group still reads these topics for its own agents, so on a fresh stack it could
        commit past an event the sink had not landed yet, and the warehouse never got that event."""
        self._assignments += 1
        self.on_assigned()

    async def revoked(self) -> None:
        async with self.landing:  # the batch being landed finishes first
            pass

    def stale(self, assignment: int) -> bool:
        """Whether the partitions were assigned anew since a batch was fetched under `assignment`."""
        return self._assignments != assignment

    async def batch(self, size: int, within: float) -> tuple[list[ConsumerRecord], int]:
        """Up to `size` records, returning once the oldest of them was produced `within` seconds ago, and the
        assignment they were fetched under (records of an earlier assignment met on the way are dropped).

        The window runs from the oldest record's produce time, not from its arrival here: events that waited in
        the topic while this lane landed its previous batch have used up their window already, so the batch
        closes at once instead of holding them another `within` seconds (that wait was most of an event's
        produce → queryable time at 20k events/s)."""
        records: list[ConsumerRecord] = []
        deadline, assignment = None, self._assignments
        while len(records) < size:
            wait = 1.0 if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                break
            fetched = await self.consumer.getmany(timeout_ms=int(wait * 1000), max_records=size - len(records))
            if assignment != self._assignments:  # fetched before this assignment: they come again from the commit
                records, deadline, assignment = [], None, self._assignments
            for part in fetched.values():
                records.extend(part)
            if records and deadline is None:
                deadline = time.monotonic() + within - waited(records, within)
        return records, assignment

    async def commit(self, records: list[ConsumerRecord]) -> None:
        """Commit past these records. If the partitions moved meanwhile the commit fails: the new owner gets them
        again and dedupes them, so that is logged, not raised."""
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        try:
            await self.consumer.commit(offsets)
        except (KafkaError, asyncio.TimeoutError) as exc:
            log.warning("commit of %d partitions failed (their events come again and are deduped): %r", len(offsets), exc)
