"""The sink's batch window runs from the oldest record's produce time (streams/warehouse_sink/consumer.py).

The Kafka consumer is replaced by a scripted `getmany` here: this checks only when a batch closes. The broker path
(real Tansu, a worker process) is covered by tests/integration/test_warehouse_sink.py.
"""
from __future__ import annotations

import asyncio
import time

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from streams.warehouse_sink.consumer import SinkConsumer, waited

TP = TopicPartition("orders.v1", 0)


def record(offset: int, produced: float, timestamp_type: int = 0) -> ConsumerRecord:
    return ConsumerRecord("orders.v1", 0, offset, int(produced * 1000), timestamp_type, None, b"{}", None, 0, 2, ())


def test_waited_is_the_oldest_records_age_within_the_window():
    now = time.time()
    assert 2.9 < waited([record(0, now - 1), record(1, now - 3)], within=5) < 3.5
    assert waited([record(0, now - 60)], within=0.5) == 0.5  # a clock far behind: at most the window
    assert waited([record(0, now + 30)], within=0.5) == 0.0  # a clock ahead: no wait counted
    assert waited([record(0, now - 60, timestamp_type=1)], within=0.5) == 0.0  # LogAppendTime: not a produce time


class ScriptedKafka:
    """getmany answers from a script: one list of records per call, then nothing (after sleeping the timeout)."""

    def __init__(self, *fetches: list[ConsumerRecord]) -> None:
        self.fetches = list(fetches)
        self.calls = 0

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[ConsumerRecord]]:
        self.calls += 1
        if self.fetches:
            return {TP: self.fetches.pop(0)}
        await asyncio.sleep(timeout_ms / 1000)
        return {}


def sink_consumer(kafka: ScriptedKafka) -> SinkConsumer:
    consumer = SinkConsumer.__new__(SinkConsumer)
    consumer._assignments, consumer.consumer = 0, kafka
    return consumer


async def test_records_that_waited_out_the_window_in_the_topic_close_the_batch_at_once():
    old = time.time() - 2.0  # produced while the lane was landing its previous batch
    kafka = ScriptedKafka([record(0, old), record(1, old + 0.1)])
    started = time.monotonic()
    records, assignment = await sink_consumer(kafka).batch(size=1000, within=0.5)
    assert [r.offset for r in records] == [0, 1] and assignment == 0
    assert kafka.calls == 1  # no second fetch: the window had already passed
    assert time.monotonic() - started < 0.25


async def test_fresh_records_wait_for_the_window_and_gather_later_ones():
    now = time.time()
    kafka = ScriptedKafka([record(0, now)], [record(1, now + 0.01)])
    started = time.monotonic()
    records, _ = await sink_consumer(kafka).batch(size=1000, within=0.3)
    assert [r.offset for r in records] == [0, 1]
    assert 0.2 < time.monotonic() - started < 1.0


async def test_a_full_batch_closes_before_the_window():
    now = time.time()
    kafka = ScriptedKafka([record(0, now), record(1, now)], [record(2, now)])
    records, _ = await sink_consumer(kafka).batch(size=2, within=5.0)
    assert [r.offset for r in records] == [0, 1] and kafka.calls == 1
