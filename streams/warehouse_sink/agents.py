"""Every domain event -> `warehouse.events`, in batches, exactly once per eventId, never dropping a batch.

Why `noack_take` rather than `take`: `take` acks a batch when the generator resumes or closes, even if the
insert raised or the worker was stopped mid-retry, so offsets could be committed for rows that never landed.
Here a batch is acked only after its rows are in the warehouse and its rejects are in the dead-letter topic;
anything un-acked is redelivered after a restart, and the eventId check makes that redelivery harmless.
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime, timezone
from typing import Awaitable, Callable, Sequence, TypeVar

from clickhouse_connect.driver.client import Client
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential_jitter

from kernel.warehouse import warehouse_client
from streams.app import app, settings
from streams.topics import dead_letter, domain_events
from streams.warehouse_sink.logic import (
    EVENT_COLUMNS, Accepted, Rejected, SourceRef, dead_letter_payload, drop_existing, plan_batch, to_row,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
_ID_CHUNK = 2_000  # keeps each `IN (...)` lookup far below the server's max_query_size
stats: Counter[str] = Counter()


class WarehouseSink:
    """The synchronous clickhouse-connect side; run in a thread so the consumer's event loop keeps heartbeating."""

    def __init__(self) -> None:
        self._client: Client | None = None

    def _connected(self) -> Client:
        if self._client is None:
            self._client = warehouse_client(settings)
        return self._client

    def reset(self) -> None:
        """Drop the client after a failure: the next attempt reconnects (the server may have restarted)."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a broken client must not mask the real error
                pass

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        client = self._connected()
        found: set[str] = set()
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = list(ids[start:start + _ID_CHUNK])
            result = client.query("SELECT event_id FROM events WHERE event_id IN %(ids)s", parameters={"ids": chunk})
            found.update(str(row[0]) for row in result.result_rows)
        return found

    def write(self, items: Sequence[Accepted]) -> tuple[int, int]:
        """Insert what the warehouse does not hold yet; returns (inserted, already present).

        The lookup runs on every attempt: if a previous attempt's insert landed but its answer was lost, the
        retry finds those ids and inserts nothing twice.
        """
        present = self.existing_ids([item.envelope.event_id for item in items])
        fresh = drop_existing(items, present)
        if fresh:
            now = datetime.now(timezone.utc)
            rows = [to_row(item.envelope, item.source, now) for item in fresh]
            self._connected().insert("events", rows, column_names=list(EVENT_COLUMNS))
        return len(fresh), len(items) - len(fresh)


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
    stats["dead_lettered"] += len(rejected)
    for r in rejected:
        log.warning("dead-lettered %s[%d]@%d: %s (total %d)", r.source.topic, r.source.partition, r.source.offset,
                    r.reason, stats["dead_lettered"])


sink = WarehouseSink()


@app.agent(domain_events, name="warehouse-sink", concurrency=1)
async def sink_events_to_warehouse(stream) -> None:  # type: ignore[no-untyped-def]
    async for events in stream.noack_take(settings.sink_batch_size, within=settings.sink_batch_seconds):
        plan = plan_batch(
            (event.value, SourceRef(event.message.topic, event.message.partition, event.message.offset))
            for event in events
        )
        if plan.rejected:
            await _send_dead_letters(plan.rejected)
        if plan.accepted:
            accepted = plan.accepted
            inserted, present = await _retry_forever(
                "warehouse insert", lambda: asyncio.to_thread(sink.write, accepted), on_error=sink.reset
            )
            stats["inserted"] += inserted
            stats["already_present"] += present
        stats["duplicates_in_batch"] += plan.duplicates_in_batch
        stats["batches"] += 1
        for event in events:
            await stream.ack(event)
        log.debug("batch of %d: %s", len(events), dict(stats))


_last_reported: dict[str, int] = {}


@app.timer(interval=30.0)
async def report_sink_progress() -> None:
    if stats and dict(stats) != _last_reported:
        _last_reported.clear()
        _last_reported.update(stats)
        log.info("warehouse sink totals: %s", _last_reported)
