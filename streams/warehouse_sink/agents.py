"""Every domain event -> `warehouse.events`, in batches, exactly once per eventId, never dropping a batch.

The sink reads with its own consumer (consumer.py: whole fetches, committed only after a batch's rows landed and
its rejects were dead-lettered), so anything not committed is redelivered after a restart or a rebalance. Those
redeliveries, and replays of old events, are dropped on eventId: ids the worker landed itself are remembered, and
whatever it cannot vouch for is looked up in the warehouse (recent_ids.py); a retried insert looks every id up.
A worker runs `STREAMS_SINK_LANES` such consumers in the one group (run_lane), so the insert one lane waits for
overlaps the fetch and parse of another's batch.
"""
from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import re
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Sequence, TypeVar

from aiokafka.structs import ConsumerRecord
from clickhouse_connect.driver.client import Client
from prometheus_client import start_http_server
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from kernel import metrics
from kernel.contracts.topics import DOMAIN_TOPICS
from kernel.warehouse import warehouse_client
from streams.app import app, settings
from streams.topics import dead_letter, faust_topics
from streams.warehouse_sink.consumer import SinkConsumer
from streams.warehouse_sink.logic import (
    EVENT_COLUMNS, INSERT_FORMAT, INSERT_SETTINGS, BatchPlan, EventColumns, Rejected, canonical_ids,
    dead_letter_payload, plan_batch,
)
from streams.warehouse_sink.recent_ids import RecentIds, Triage

log = logging.getLogger(__name__)
T = TypeVar("T")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ID_LIST = re.compile(r"[0-9a-f,-]*")
stats: Counter[str] = Counter()


class WarehouseSink:
    """The synchronous clickhouse-connect side; run in a thread so the consumer's event loop keeps heartbeating."""

    def __init__(self, database: str | None = None) -> None:
        self._client: Client | None = None
        self.database = database  # None: the configured warehouse database
        self.recent = RecentIds(settings.sink_recent_seconds, settings.sink_recent_max_ids,
                                settings.sink_clock_skew_seconds)

    def _connected(self) -> Client:
        if self._client is None:
            self._client = warehouse_client(settings, database=self.database)
        return self._client

    def reset(self) -> None:
        """Drop the client after a failure: the next attempt reconnects (the server may have restarted)."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a broken client must not mask the real error
                pass

    def existing_ids(self, rows: EventColumns) -> set[str]:
        """Which of these events the warehouse holds: one query, pruned to the parts whose occurredAt range fits
        (widened by a second on each side, so no rounding of the bounds can miss a row).

        The ids go inline as one string literal split server-side. As an Array(UUID) parameter, clickhouse-connect
        escaped them character by character (~15 µs of worker CPU per id) and the server parsed 20k literals; an
        IN list of literals parses as slowly. The ids are canonical UUIDs (logic.py), checked again here because
        they are pasted into SQL.
        """
        ids = ",".join(rows.event_id)
        if not _ID_LIST.fullmatch(ids):
            raise ValueError("event ids to look up must be canonical UUIDs")
        lo, hi = min(rows.occurred_ms) - 1000, max(rows.occurred_ms) + 1000
        sql = ("SELECT toString(event_id) FROM events WHERE event_id IN "
               "(SELECT toUUID(arrayJoin(splitByChar(',', '" + ids + "')))) "
               "AND occurred_at BETWEEN {lo:DateTime64(3, 'UTC')} AND {hi:DateTime64(3, 'UTC')}")
        result = self._connected().query(
            sql, parameters={"lo": _EPOCH + timedelta(milliseconds=lo), "hi": _EPOCH + timedelta(milliseconds=hi)},
            settings={"max_query_size": len(sql) + 4096})
        return canonical_ids(row[0] for row in result.result_rows)

    def write(self, rows: EventColumns, retry: bool = False) -> tuple[int, int]:
        """Insert what the warehouse does not hold yet; returns (inserted, already present).

        A retry looks every id up: the failed attempt's insert may have landed with its answer lost. Each attempt is
        stamped with its own ingested_at, so a server that deduplicates inserts by content (replicated tables do by
        default) never takes a retry for a repeat: sending the failed attempt's exact bytes again, with insert
        deduplication on `events`, lost 9 of 40 rows in a CI run of the outage test (the repeat dropped, most likely
        as a duplicate of an attempt cut off mid-insert that never became visible).
        """
        keys = list(zip(rows.event_id, [ms / 1000 for ms in rows.occurred_ms]))
        if retry or settings.sink_lookup == "always":
            triage = Triage(unsure=list(range(len(rows))))
        else:
            triage = self.recent.triage(keys)
        skip = set(triage.landed)
        if triage.unsure:
            present = self.existing_ids(rows.take(triage.unsure))
            skip.update(i for i in triage.unsure if keys[i][0] in present)
        fresh = rows.take([i for i in range(len(rows)) if i not in skip]) if skip else rows
        if fresh:
            # One JSONCompactColumns body, parsed by the server in C++ (the row tuples clickhouse-connect
            # serialised to Native cost the worker more than parsing the events).
            block = fresh.insert_block(datetime.now(timezone.utc))
            self._connected().raw_insert("events", EVENT_COLUMNS, insert_block=block, fmt=INSERT_FORMAT,
                                         settings=INSERT_SETTINGS)
        self.recent.remember(keys)
        return len(fresh), len(rows) - len(fresh)


def _log_retry(what: str) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning("%s failed (attempt %d, retrying in %.1fs): %r",
                    what, state.attempt_number, state.next_action.sleep if state.next_action else 0, error)
    return before_sleep


async def _retry_forever(what: str, call: Callable[[], Awaitable[T]], on_error: Callable[[], None] = lambda: None) -> T:
    """Retry until it works: the partition waits (back-pressure) instead of losing or skipping the batch.

    CancelledError is not an Exception, so a worker shutdown still interrupts the wait; the batch is then
    simply not acked and comes back after the restart.
    """
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(Exception),
        wait=wait_exponential_jitter(initial=0.5, max=settings.sink_max_backoff_seconds),
        before_sleep=_log_retry(what),
        reraise=True,
    ):
        with attempt:
            try:
                return await call()
            except Exception:
                on_error()
                raise
    raise AssertionError("unreachable: the retry loop never stops")


async def _send_dead_letters(rejected: Sequence[Rejected]) -> None:
    async def send_all() -> None:
        now = datetime.now(timezone.utc)
        pending = [await dead_letter.send(key=None, value=dead_letter_payload(r, now)) for r in rejected]
        await asyncio.gather(*pending)  # delivered (broker acked) before the source offsets are acked

    await _retry_forever("dead-letter send", send_all)
    metrics.DEAD_LETTERS.labels("warehouse-sink").inc(len(rejected))
    stats["dead_lettered"] += len(rejected)
    for r in rejected:
        log.warning("dead-lettered %s[%d]@%d: %s (total %d)", r.source.topic, r.source.partition, r.source.offset,
                    r.reason, stats["dead_lettered"])


faust_sink = WarehouseSink()  # the old reader's (STREAMS_SINK_READER=faust); each lane has its own


async def plan_records(records: Sequence[ConsumerRecord]) -> BatchPlan:
    """Parse and split a fetched batch, in a thread so the event loop keeps heartbeating (a record is its own
    SourceRef: it has topic, partition and offset)."""
    return await asyncio.to_thread(_plan_without_gc, records)


class _GcPause:
    """Pauses the cyclic garbage collector while any lane parses; the last one out turns it back on (if it was on)."""

    def __init__(self) -> None:
        self._lock, self._parsing, self._was_enabled = threading.Lock(), 0, False

    def __enter__(self) -> None:
        with self._lock:
            if self._parsing == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._parsing += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._parsing -= 1
            if self._parsing == 0 and self._was_enabled:
                gc.enable()


_gc_paused = _GcPause()


def _plan_without_gc(records: Sequence[ConsumerRecord]) -> BatchPlan:
    """plan_batch with the cyclic garbage collector paused: parsing allocates a few containers per event (dicts,
    tuples), which set off collections that walked the batch's live records over and over, about a quarter of the
    worker's CPU. Nothing in a batch forms cycles; reference counting frees it all the same."""
    with _gc_paused:
        return plan_batch((r.value, r) for r in records)


async def land(sink: WarehouseSink, plan: BatchPlan) -> None:
    """Dead-letter the rejects, insert the rest exactly once; returns when all of it is safe to commit."""
    if plan.rejected:
        await _send_dead_letters(plan.rejected)
    if plan.accepted:
        accepted, attempts = plan.accepted, itertools.count()
        with metrics.SINK_BATCH_SECONDS.time():
            inserted, present = await _retry_forever(
                "warehouse insert", lambda: asyncio.to_thread(sink.write, accepted, next(attempts) > 0),
                on_error=sink.reset,
            )
        metrics.SINK_ROWS.labels("events").inc(inserted)
        stats["inserted"] += inserted
        stats["already_present"] += present
    stats["duplicates_in_batch"] += plan.duplicates_in_batch
    stats["batches"] += 1


async def sink_batch(records: Sequence[ConsumerRecord]) -> None:
    await land(faust_sink, await plan_records(records))


async def run_lane(lane: int) -> None:
    """One consumer of the sink's group, one batch at a time: fetched, parsed, landed, committed. (A loop that
    parsed the next batch while the previous one landed, in one consumer, was taken out after a CI run in which
    it attempted no insert for 35 s, cause not found; lanes overlap the same wait with each lane kept simple.)"""
    sink = WarehouseSink()
    consumer = SinkConsumer(settings, on_assigned=sink.recent.restart, lane=lane)
    await consumer.start()
    try:
        while True:
            records, assignment = await consumer.batch(settings.sink_batch_size, settings.sink_batch_seconds)
            if not records:
                continue
            plan = await plan_records(records)
            async with consumer.landing:
                if consumer.stale(assignment):
                    stats["dropped_after_rebalance"] += len(records)
                    continue
                await land(sink, plan)
                await consumer.commit(records)
            log.debug("lane %d, batch of %d: %s", lane, len(records), dict(stats))
    finally:
        await consumer.stop()
        sink.reset()


@app.task
async def serve_metrics() -> None:
    """Prometheus /metrics of the worker (sink throughput, dead letters) on STREAMS_METRICS_PORT; 0 = off."""
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)


@app.task
async def sink_events_to_warehouse() -> None:
    """Every domain topic, batch after batch, for as long as the worker runs (cancelled when it stops)."""
    if settings.sink_reader == "faust":
        return
    async with asyncio.TaskGroup() as lanes:  # one lane failing stops the others: the worker restarts whole
        for lane in range(settings.sink_lanes):
            lanes.create_task(run_lane(lane))


if settings.sink_reader == "faust":
    # The old reader, kept for the streams benchmark's baseline: faust's stream, one Event and one ack per message.
    @app.agent(faust_topics(DOMAIN_TOPICS), name="warehouse-sink", concurrency=1)
    async def sink_events_through_faust(stream) -> None:  # type: ignore[no-untyped-def]
        async for events in stream.noack_take(settings.sink_batch_size, within=settings.sink_batch_seconds):
            await sink_batch([event.message for event in events])
            for event in events:
                await stream.ack(event)

    @app.on_partitions_assigned.connect
    async def _vouch_only_from_now(_app, assigned, **_kwargs) -> None:  # type: ignore[no-untyped-def]
        faust_sink.recent.restart()


_last_reported: dict[str, int] = {}


@app.timer(interval=30.0)
async def report_sink_progress() -> None:
    if stats and dict(stats) != _last_reported:
        _last_reported.clear()
        _last_reported.update(stats)
        log.info("warehouse sink totals: %s", _last_reported)
