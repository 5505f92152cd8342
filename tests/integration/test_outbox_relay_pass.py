"""One relay pass on real PostgreSQL (kernel/relay.py): lock, pick and mark in one statement, then send and commit.

The broker is a recording publisher here on purpose: these tests are about which outbox rows a pass takes, marks
and gives back, which a real broker cannot fail on demand. The broker path itself is covered by
test_outbox_relay.py (events through Tansu, in order per key, a broker restart and replay).
"""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import MetaData, func, select, text

from kernel.db import Database
from kernel.events import Envelope
from kernel.outbox import outbox_table, write_events
from kernel.relay import RELAY_LOCK_ID, OutboxRelay, RelayError
from tests.scratch_db import scratch_database


class Publisher:
    """Records what it is asked to send; fails the message at `fail_at` (its index in a call) when set."""

    def __init__(self, fail_at: int | None = None, pause: float = 0.0) -> None:
        self.sent: list[str] = []
        self.fail_at, self.pause = fail_at, pause

    async def send_many(self, messages):  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.pause)
        errors: list[BaseException | None] = []
        for i, (_topic, key, _value) in enumerate(messages):
            if self.fail_at is not None and i >= self.fail_at:
                errors.append(RuntimeError("broker said no"))
            else:
                self.sent.append(key)
                errors.append(None)
        return errors


@pytest.fixture
async def outbox(stack):
    table = outbox_table(MetaData())
    async with scratch_database("relay", table.metadata) as database:
        yield database, table


async def _write(database: Database, table, keys: list[str]) -> None:
    async with database.sessions() as session, session.begin():
        await write_events(session, table, [("orders.v1", key, Envelope(type="test.relay", data={"k": key}))
                                            for key in keys])


async def _unpublished(database: Database, table) -> list[tuple[str, int]]:
    async with database.engine.connect() as conn:
        rows = await conn.execute(select(table.c.key, table.c.attempts).where(table.c.published_at.is_(None))
                                  .order_by(table.c.seq))
        return [tuple(r) for r in rows]


async def test_a_pass_sends_the_oldest_rows_in_order_and_marks_them(outbox):
    database, table = outbox
    await _write(database, table, [f"k{i}" for i in range(5)])
    publisher = Publisher()
    relay = OutboxRelay(database, table, publisher, name="test", batch_size=3)  # type: ignore[arg-type]
    assert await relay.publish_once() == 3
    assert publisher.sent == ["k0", "k1", "k2"]
    assert await relay.publish_once() == 2
    assert await relay.publish_once() == 0 and not relay._lock_busy
    assert publisher.sent == [f"k{i}" for i in range(5)]
    assert await _unpublished(database, table) == []


async def test_a_failed_send_keeps_the_rows_before_it_and_gives_back_the_rest(outbox):
    database, table = outbox
    await _write(database, table, ["a", "b", "c", "d"])
    relay = OutboxRelay(database, table, Publisher(fail_at=2), name="test")  # type: ignore[arg-type]
    with pytest.raises(RelayError, match="broker said no"):
        await relay.publish_once()
    # a and b went out and stay published; c failed (one attempt counted), d was never tried
    assert await _unpublished(database, table) == [("c", 1), ("d", 0)]
    async with database.engine.connect() as conn:
        error = await conn.scalar(select(table.c.last_error).where(table.c.key == "c"))
    assert "broker said no" in error
    retry = Publisher()
    relay.publisher = retry  # type: ignore[assignment]
    assert await relay.publish_once() == 2 and retry.sent == ["c", "d"]


async def test_a_pass_does_nothing_while_another_relay_holds_the_lock(outbox):
    database, table = outbox
    await _write(database, table, ["x"])
    publisher = Publisher()
    relay = OutboxRelay(database, table, publisher, name="test")  # type: ignore[arg-type]
    async with database.engine.begin() as other:
        assert await other.scalar(select(func.pg_try_advisory_xact_lock(RELAY_LOCK_ID)))
        assert await relay.publish_once() == 0
        assert relay._lock_busy and publisher.sent == []
    assert await relay.publish_once() == 1 and not relay._lock_busy and publisher.sent == ["x"]


async def test_two_relays_racing_send_every_row_once(outbox):
    database, table = outbox
    keys = [f"r{i}" for i in range(60)]
    publishers = [Publisher(pause=0.01), Publisher(pause=0.01)]
    relays = [OutboxRelay(database, table, p, name=f"r{n}", batch_size=7)  # type: ignore[arg-type]
              for n, p in enumerate(publishers)]

    async def keep_publishing(relay: OutboxRelay) -> None:
        for _ in range(200):
            await relay.publish_once()
            if not await _unpublished(database, table):
                return
            await asyncio.sleep(0)

    async def write_while_racing() -> None:
        for start in range(0, len(keys), 6):
            await _write(database, table, keys[start:start + 6])
            await asyncio.sleep(0.005)

    await asyncio.gather(write_while_racing(), *(keep_publishing(r) for r in relays))
    for relay in relays:
        await relay.drain()
    sent = publishers[0].sent + publishers[1].sent
    assert sorted(sent) == sorted(keys)  # every row once: none lost, none sent by both
    async with database.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")) == 0
