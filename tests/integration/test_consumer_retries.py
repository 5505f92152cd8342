"""A reaction that fails is retried with backoff in a fresh transaction; one that keeps failing is parked on the
dead-letter topic with its reason, and the inbox does not record it (so a replay after the fix runs it again).
The events are handed to EventConsumer.handle directly: this tests the retry policy, not the broker path (every
reaction's broker path is covered by its own service's tests)."""
from __future__ import annotations

import asyncio
import json
import time
import uuid

from aiokafka import AIOKafkaConsumer
from sqlalchemy import select, text

from apps.reviews.orm import INBOX, OUTBOX
from kernel.consumer import MAX_ATTEMPTS, EventConsumer
from kernel.contracts.topics import DEAD_LETTER
from kernel.events import Envelope
from kernel.kafka import KafkaPublisher
from kernel.settings import common_settings


def _paid(order_no: str) -> Envelope:
    """An order.paid as its contract says (the edge dead-letters anything else before a handler runs)."""
    return Envelope(type="order.paid", data={"orderNo": order_no, "orderId": str(uuid.uuid4()),
                                             "userId": str(uuid.uuid4()), "totalMinor": 100, "currency": "USD",
                                             "vendorSplits": [], "paidAt": "2026-12-01T10:00:00Z"})


def _consumer(gateway, handlers, publisher) -> EventConsumer:
    reviews = gateway.state.services["reviews"]
    return EventConsumer(name=f"retry-test-{uuid.uuid4().hex[:8]}", topics=[], handlers=handlers,
                         db=reviews.state.db, outbox=OUTBOX, inbox=INBOX, publisher=publisher,
                         bootstrap_servers=common_settings().kafka_bootstrap_servers)


async def test_a_flaky_handler_is_retried_until_it_succeeds_once(gateway):
    calls = []

    async def flaky(*, uow, event):
        calls.append(event.event_id)
        if len(calls) < 3:
            raise RuntimeError("database blip")

    publisher = KafkaPublisher()
    try:
        consumer = _consumer(gateway, {"order.paid": flaky}, publisher)
        event = _paid("X")
        assert await consumer.handle(event.to_json()) is True
        assert len(calls) == 3 and consumer.handled == 1
        assert await consumer.handle(event.to_json()) is False  # the inbox remembers it: never twice
        assert len(calls) == 3
    finally:
        await publisher.close()


async def test_a_handler_that_keeps_failing_is_dead_lettered_with_its_reason(gateway):
    attempts = []

    async def broken(*, uow, event):
        attempts.append(event.event_id)
        raise ValueError("contract drift: orderNo missing")

    reader = AIOKafkaConsumer(DEAD_LETTER.name, bootstrap_servers=common_settings().kafka_bootstrap_servers,
                              group_id=None, auto_offset_reset="latest", enable_auto_commit=False)
    await reader.start()
    publisher = KafkaPublisher()
    try:
        await reader.getmany(timeout_ms=500)  # joins at the end of the topic before we publish
        consumer = _consumer(gateway, {"order.paid": broken}, publisher)
        event = _paid("Y")
        assert await consumer.handle(event.to_json()) is False
        assert len(attempts) == MAX_ATTEMPTS

        parked = None
        deadline = time.monotonic() + 20
        while parked is None and time.monotonic() < deadline:
            for records in (await reader.getmany(timeout_ms=500)).values():
                for record in records:
                    body = json.loads(record.value)
                    if body.get("consumer") == consumer.name:
                        parked = body
            await asyncio.sleep(0)
        assert parked is not None, "nothing reached the dead-letter topic"
        assert "contract drift" in parked["reason"]
        assert json.loads(parked["original"])["eventId"] == event.event_id

        async with gateway.state.services["reviews"].state.db.sessions() as session:
            seen = await session.scalar(select(INBOX.c.event_id).where(INBOX.c.event_id == event.event_id,
                                                                        INBOX.c.consumer == consumer.name))
        assert seen is None  # not marked handled: a replay runs it again
    finally:
        await reader.stop()
        await publisher.close()


async def _inbox(gateway, consumer: EventConsumer) -> set[str]:
    async with gateway.state.services["reviews"].state.db.sessions() as session:
        return set((await session.scalars(select(INBOX.c.event_id).where(INBOX.c.consumer == consumer.name))).all())


async def test_a_fetched_batch_is_handled_in_one_transaction_each_event_once(gateway):
    seen: list[tuple[str, int]] = []

    async def record(*, uow, event):
        seen.append((event.event_id, await uow.session.scalar(text("SELECT txid_current()"))))

    publisher = KafkaPublisher()
    try:
        consumer = _consumer(gateway, {"order.paid": record}, publisher)
        events = [_paid(f"B{i}") for i in range(3)]
        raws = [e.to_json() for e in events]
        assert await consumer.handle_many([raws[0], raws[1], raws[0], raws[2]]) == 3  # a repeat runs once
        assert [event_id for event_id, _ in seen] == [e.event_id for e in events]
        assert len({txid for _, txid in seen}) == 1 and consumer.handled == 3
        assert await _inbox(gateway, consumer) == {e.event_id for e in events}
        assert await consumer.handle_many(raws) == 0  # the inbox remembers the whole batch
        assert len(seen) == 3
    finally:
        await publisher.close()


async def test_a_failing_event_in_a_batch_costs_only_itself(gateway, monkeypatch):
    monkeypatch.setattr("kernel.consumer.MAX_ATTEMPTS", 1)  # no backoff: the retry policy is tested above
    calls: list[str] = []
    events = [_paid(f"F{i}") for i in range(3)]

    async def second_fails(*, uow, event):
        calls.append(event.event_id)
        if event.event_id == events[1].event_id:
            raise RuntimeError("bad row")

    publisher = KafkaPublisher()
    try:
        consumer = _consumer(gateway, {"order.paid": second_fails}, publisher)
        assert await consumer.handle_many([e.to_json() for e in events]) == 2
        # The shared transaction ran the first two and was dropped; then each event ran alone.
        ids = [e.event_id for e in events]
        assert calls == [ids[0], ids[1], ids[0], ids[1], ids[2]]
        assert await _inbox(gateway, consumer) == {ids[0], ids[2]}  # the failed one is not marked handled
        assert consumer.handled == 2
    finally:
        await publisher.close()
