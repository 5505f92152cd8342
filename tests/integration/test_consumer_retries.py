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
from sqlalchemy import select

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
