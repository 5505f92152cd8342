"""The outbox relay: publishes unpublished outbox rows to Kafka, at least once, in order per aggregate key.

One relay at a time per database holds a transaction-level advisory lock, so two processes never interleave
batches (which would reorder one key's events). A failed send stops the batch at the first failure: the rows
before it are marked published, the rest retried with exponential backoff. `replay(since)` re-publishes retained
rows because the local broker keeps topics only in memory; consumers dedupe on eventId.

`run` does not poll in a tight loop: a unit of work that commits outbox rows wakes the relay in the same process
(kernel.outbox_wake), and the relay polls only as a fallback every `poll_interval` seconds (rows committed by other
processes, a missed wake-up). Rows are still read in seq order under the lock, so waking changes when a batch is
read, never what or in which order.
"""
from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

import structlog
from sqlalchemy import BigInteger, Boolean, DateTime, String, Table, delete, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.selectable import TextualSelect

from kernel import metrics
from kernel.clock import utcnow
from kernel.db import Database
from kernel.kafka import KafkaPublisher
from kernel.outbox_wake import Wakeup
from kernel.retry import backoff_seconds, retrying

log = structlog.get_logger("outbox.relay")
RELAY_LOCK_ID = 0x0B0C5  # one advisory lock id per database: databases are per service, so no clash


def _message(row) -> tuple[str, str, bytes]:
    return row.topic, row.key, json.dumps(row.payload, separators=(",", ":")).encode()


class OutboxRelay:
    def __init__(self, db: Database, outbox: Table, publisher: KafkaPublisher, *, name: str,
                 batch_size: int = 500, poll_interval: float = 3.0, lock_busy_retry: float = 0.2,
                 retention_days: int = 7) -> None:
        self.db, self.outbox, self.publisher, self.name = db, outbox, publisher, name
        self.batch_size, self.poll_interval, self.lock_busy_retry = batch_size, poll_interval, lock_busy_retry
        self.retention = timedelta(days=retention_days)
        self._failures = 0
        self._lock_busy = False  # the last publish_once found another relay holding the lock
        self._pick = _pick_statement(outbox.name)

    async def publish_once(self) -> int:
        """Publish one batch; returns how many rows were published.

        One statement takes the lock, picks the oldest unpublished rows and marks them published, then the batch is
        sent and the transaction commits (BEGIN, that statement, COMMIT: it was five round-trips with a separate
        lock, read and mark). If the send fails, the rows from the first failure on are unmarked before the
        commit. The statement's snapshot predates the lock, so it may pick rows another relay published just
        before the lock was free; the UPDATE re-checks `published_at IS NULL` on the newest version of each row
        (READ COMMITTED), so those are skipped, not sent twice."""
        async with self.db.engine.begin() as conn:
            result = (await conn.execute(self._pick, {"lock_id": RELAY_LOCK_ID, "limit": self.batch_size})).all()
            self._lock_busy = not result[0].got
            rows = [r for r in result if r.seq is not None]  # LEFT JOIN: one row of NULLs when nothing was picked
            # Rows come oldest first: the first one's age is how far the relay is behind.
            metrics.OUTBOX_OLDEST_SECONDS.labels(self.name).set(
                max(0.0, (utcnow() - rows[0].created_at).total_seconds()) if rows else 0.0)
            if not rows:
                return 0
            errors = await self.publisher.send_many([_message(r) for r in rows])
            first_bad = next((i for i, e in enumerate(errors) if e is not None), len(rows))
            if first_bad:
                metrics.OUTBOX_PUBLISHED.labels(self.name).inc(first_bad)
            if first_bad == len(rows):
                return first_bad
            t, bad = self.outbox, rows[first_bad]
            await conn.execute(update(t).where(t.c.seq.in_([r.seq for r in rows[first_bad:]]))
                               .values(published_at=None))
            await conn.execute(update(t).where(t.c.seq == bad.seq)
                               .values(attempts=t.c.attempts + 1, last_error=str(errors[first_bad])[:2000]))
        # raised after the commit, so the rows before the failure stay published and the attempt is counted
        raise RelayError(f"{self.name}: publish failed at seq {bad.seq}: {errors[first_bad]}")

    async def drain(self) -> int:
        total = 0
        while n := await self.publish_once():
            total += n
        return total

    async def replay(self, since: datetime) -> int:
        """Re-publish every retained row created at or after `since`, in seq order."""
        t = self.outbox
        total, after = 0, 0
        while True:
            async with self.db.engine.connect() as conn:
                rows = (await conn.execute(
                    select(t.c.seq, t.c.topic, t.c.key, t.c.payload)
                    .where(t.c.created_at >= since, t.c.seq > after).order_by(t.c.seq).limit(self.batch_size)
                )).all()
            if not rows:
                return total
            await self._send_with_retries([_message(r) for r in rows])
            total, after = total + len(rows), rows[-1].seq

    async def _send_with_retries(self, messages: list[tuple[str, str, bytes]], attempts: int = 6) -> None:
        """A freshly restarted broker may refuse the first requests; resending a whole batch only duplicates,
        which consumers absorb by eventId."""
        async for attempt in retrying(attempts):
            with attempt:
                errors = await self.publisher.send_many(messages)
                if any(errors):
                    raise RelayError(f"{self.name}: replay failed: {next(e for e in errors if e)}")

    async def purge_published(self) -> int:
        cutoff = utcnow() - self.retention
        async with self.db.engine.begin() as conn:
            result = await conn.execute(delete(self.outbox).where(
                self.outbox.c.published_at.is_not(None), self.outbox.c.created_at < cutoff))
            return result.rowcount or 0

    async def run(self, stop: asyncio.Event) -> None:
        wakeup = Wakeup(self.outbox)
        purge_every = max(1, int(600 / self.poll_interval))  # about every ten minutes of idle polls
        idle = 0
        try:
            while not stop.is_set():
                wakeup.clear()  # before reading: a commit from here on wakes the wait below
                try:
                    published = await self.publish_once()
                    self._failures = 0
                    if published >= self.batch_size:
                        continue  # a full batch: there may be more
                    if not published and not self._lock_busy:
                        idle += 1
                        if idle % purge_every == 0:
                            await self.purge_published()
                except Exception as exc:  # noqa: BLE001 - the relay must outlive broker and database outages
                    self._failures += 1
                    delay = backoff_seconds(self._failures)
                    log.warning("relay.publish_failed", relay=self.name, error=str(exc)[:300], retry_in=delay)
                    await _sleep_or_stop(stop, delay)
                    continue
                if self._lock_busy:  # another process is publishing; our rows may be after its batch
                    await _sleep_or_stop(stop, self.lock_busy_retry)
                else:
                    await wakeup.wait(stop, self.poll_interval)
        finally:
            wakeup.close()


def _pick_statement(table: str) -> TextualSelect:
    """Lock, pick and mark in one statement. The lock's CTE is materialised (a volatile function), so it runs once
    and before the rows are read; its row is returned even when no outbox row was picked, to tell an idle pass
    from one that found the lock taken."""
    return text(f"""
        WITH relay_lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(:lock_id) AS got),
        picked AS (
            SELECT o.seq FROM {table} o
            WHERE (SELECT got FROM relay_lock) AND o.published_at IS NULL
            ORDER BY o.seq LIMIT :limit),
        marked AS (
            UPDATE {table} SET published_at = now() FROM picked
            WHERE {table}.seq = picked.seq AND {table}.published_at IS NULL
            RETURNING {table}.seq, {table}.topic, {table}.key, {table}.payload, {table}.created_at)
        SELECT relay_lock.got, marked.* FROM relay_lock LEFT JOIN marked ON true ORDER BY marked.seq
        """).columns(got=Boolean, seq=BigInteger, topic=String, key=String, payload=JSONB,
                     created_at=DateTime(timezone=True))


class RelayError(RuntimeError):
    pass


async def _sleep_or_stop(stop: asyncio.Event, delay: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=delay)
    except asyncio.TimeoutError:
        pass
