"""A service's reactions to other domains' events (apps/<svc>/consumers.py), run from its lifespan.

Each handler's state change is committed together with its event's inbox row, so a redelivered or replayed event
is skipped; offsets are committed only after the batch is handled (at-least-once delivery, exactly-once effect).
A fetched batch is first tried in one unit of work (one BEGIN/COMMIT and one inbox insert for up to BATCH_MAX
events instead of one of each per event); if anything in it fails, that transaction is dropped and every event
runs again alone. A handler that keeps failing alone is retried with backoff, then parked
on the dead-letter topic with the reason.

The edge is typed: each event's data is read with its contract's model (kernel.contracts) before any handler runs,
and the handler gets an `Event` whose `.data` is that model (`event.data.order_no`). Data that does not match its
contract (a drift) is dead-lettered at once with the validation errors as the reason — never handled with blanks.
A renamed event's former name reaches the same handler: handlers are keyed, and see `event.type`, by current name.
"""
from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata
from aiokafka.errors import KafkaError
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy import Table

from kernel import metrics, tracing
from kernel.contracts.base import Contract, Payload
from kernel.contracts.registry import UnknownEventType, contract_for
from kernel.contracts.topics import DEAD_LETTER
from kernel.db import Database
from kernel.events import Actor, Envelope
from kernel.inbox import first_time, first_times
from kernel.kafka import KafkaPublisher
from kernel.retry import retrying
from kernel.uow import UnitOfWork

log = structlog.get_logger("consumer")
Handler = Callable[..., Awaitable[None]]  # async def handle(*, uow: UnitOfWork, event: Event[SomePayload]) -> None
MAX_ATTEMPTS = 5
# Events per shared transaction: enough to pay for BEGIN/COMMIT many times over, few enough that row locks taken
# by the first handler (inventory's stock rows) are not held for long.
BATCH_MAX = 32
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class Event(Generic[P]):
    """A received event as handlers see it: the envelope's facts, and `data` read by the contract's model."""

    envelope: Envelope
    contract: Contract
    data: P

    @classmethod
    def read(cls, envelope: Envelope) -> "Event":
        """Raises UnknownEventType (no contract) or pydantic.ValidationError (data off its contract)."""
        contract = contract_for(envelope.type)
        if envelope.version != contract.version:
            raise UnknownEventType(f"{envelope.type} v{envelope.version} (known: v{contract.version})")
        return cls(envelope, contract, contract.read(envelope.data))

    @property
    def type(self) -> str:
        """The current name, also for an event sent under a deprecated one (envelope.type says which came)."""
        return self.contract.type

    @property
    def event_id(self) -> str:
        return self.envelope.event_id

    @property
    def occurred_at(self) -> datetime:
        return self.envelope.occurred_at

    @property
    def actor(self) -> Actor:
        return self.envelope.actor


def reactions_group(service: str) -> str:
    """A service's consumer group (and inbox consumer name): one place, so a bulk importer handing events to a
    service's handlers in-process records them under the name the service's own consumer later dedupes by."""
    return f"{service}-reactions"


def kafka_group(name: str) -> str:
    """The Kafka group a consumer named `name` joins. CONSUMER_GROUP_SUFFIX (set per test session) gives a process
    a group of its own, so other processes on the shared broker never rebalance it away from its partitions; the
    inbox keeps the plain name, so an event another process already handled is still skipped."""
    return name + os.environ.get("CONSUMER_GROUP_SUFFIX", "")


async def start_at_end(bootstrap: str, group: str, topics: list[str]) -> None:
    """Commit the topics' current end offsets for `group` where it has none: a fresh per-run group starts at now
    (not at the beginning of history), and nothing published after this call is missed while it joins."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        tps = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(tps)
        fresh = [tp for tp in tps if await consumer.committed(tp) is None]
        if fresh:
            await consumer.commit({tp: OffsetAndMetadata(end, "")
                                   for tp, end in (await consumer.end_offsets(fresh)).items()})
    finally:
        await consumer.stop()


class EventConsumer:
    def __init__(self, *, name: str, topics: list[str], handlers: dict[str, Handler], db: Database,
                 outbox: Table, inbox: Table, publisher: KafkaPublisher, bootstrap_servers: str) -> None:
        self.name, self.topics = name, topics
        # Keyed by current names; a deprecated name is resolved through its contract (see handles()).
        self.handlers = {contract_for(t).type: h for t, h in handlers.items()}
        self.db, self.outbox, self.inbox, self.publisher = db, outbox, inbox, publisher
        self.bootstrap = bootstrap_servers
        self.handled = 0

    def _consumer(self) -> AIOKafkaConsumer:
        # Short group timeouts: the local broker waits the full rebalance timeout on every join.
        return AIOKafkaConsumer(*self.topics, bootstrap_servers=self.bootstrap, group_id=kafka_group(self.name),
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                session_timeout_ms=6000, heartbeat_interval_ms=1000, rebalance_timeout_ms=3000,
                                metadata_max_age_ms=5000, request_timeout_ms=10000)

    def handles(self, event_type: str) -> bool:
        """Whether a handler reacts to `event_type` (current or deprecated name)."""
        try:
            return contract_for(event_type).type in self.handlers
        except UnknownEventType:
            return False

    async def handle(self, raw: bytes) -> bool:
        """Handle one message; True if a handler ran (False: not for us, malformed, off contract, or already
        handled)."""
        event = await self._read(raw)
        return event is not None and await self._handle_alone(raw, event)

    async def handle_many(self, raws: Sequence[bytes]) -> int:
        """Handle fetched messages in order, BATCH_MAX at a time in one unit of work; returns how many handlers
        ran. A batch that fails anywhere is rolled back whole and its events handled one by one (`handle`'s
        retries and dead letters), so a bad event costs only itself and the others still land once each."""
        readable = [(raw, event) for raw in raws if (event := await self._read(raw)) is not None]
        ran = 0
        for start in range(0, len(readable), BATCH_MAX):
            chunk = readable[start:start + BATCH_MAX]
            if len(chunk) > 1:
                try:
                    ran += await self._handle_together([event for _, event in chunk])
                    continue
                except Exception as exc:  # noqa: BLE001 - each event is tried alone next
                    log.warning("consumer.batch_failed", consumer=self.name, events=len(chunk),
                                error=str(exc)[:300])
            for raw, event in chunk:
                ran += await self._handle_alone(raw, event)
        return ran

    async def _handle_together(self, events: list[Event]) -> int:
        async with UnitOfWork(self.db.sessions, self.outbox) as uow:
            fresh = await first_times(uow.session, self.inbox, [(e.event_id, e.envelope.type) for e in events],
                                      consumer=self.name)
            done = []
            for event in events:
                key = str(uuid.UUID(event.event_id))  # as PostgreSQL returns it (an id that is no UUID fails above)
                if key not in fresh:
                    continue  # handled before, or a repeat within this batch
                fresh.discard(key)
                await self._run_handler(uow, event)
                await uow.session.flush()  # the next handler sees this one's rows, as it would after a commit
                done.append(event)
            await uow.commit()
        for event in done:
            self._count(event)
        return len(done)

    async def _run_handler(self, uow: UnitOfWork, event: Event) -> None:
        # The consumer's span continues the trace of the request that wrote the event.
        with tracing.span(f"consume {event.type}", kind=SpanKind.CONSUMER, parent=_trace_parent(event.envelope),
                          attributes={"messaging.consumer.group.name": self.name}):
            await self.handlers[event.type](uow=uow, event=event)

    def _count(self, event: Event) -> None:
        self.handled += 1
        metrics.CONSUMER_HANDLED.labels(self.name, event.type).inc()

    async def _read(self, raw: bytes) -> Event | None:
        """The message as an Event for one of our handlers, or None: not for us or malformed (skipped), or off its
        contract (dead-lettered now: retrying cannot make the data match)."""
        try:
            envelope = Envelope.from_json(raw)
        except (ValidationError, ValueError):
            return None  # the warehouse sink dead-letters malformed events; reactions only skip them
        if not self.handles(envelope.type) or envelope.actor.type == "simulator":
            # Backfilled history (mkt simulate backfill) is for the data platform; services never act on it.
            return None
        try:
            return Event.read(envelope)
        except (ValidationError, UnknownEventType) as exc:
            log.error("consumer.off_contract", consumer=self.name, event_type=envelope.type,
                      event_id=envelope.event_id, error=_errors(exc)[:300])
            await self._dead_letter(raw, f"{self.name}: {envelope.type} does not match its contract: "
                                         f"{_errors(exc)}")
            return None

    async def _handle_alone(self, raw: bytes, event: Event) -> bool:
        try:
            async for attempt in retrying(MAX_ATTEMPTS):
                with attempt:
                    try:
                        async with UnitOfWork(self.db.sessions, self.outbox) as uow:
                            if not await first_time(uow.session, self.inbox, event_id=event.event_id,
                                                    event_type=event.envelope.type, consumer=self.name):
                                return False
                            await self._run_handler(uow, event)
                            await uow.commit()
                    except Exception as exc:
                        log.warning("consumer.handler_failed", consumer=self.name, event_type=event.type,
                                    event_id=event.event_id, attempt=attempt.retry_state.attempt_number,
                                    error=str(exc)[:300])
                        raise
            self._count(event)
            return True
        except Exception as exc:  # noqa: BLE001 - a failing handler must not stop the other events
            await self._dead_letter(raw, f"{self.name}: {type(exc).__name__}: {exc}")
            return False

    async def _dead_letter(self, raw: bytes, reason: str) -> None:
        metrics.DEAD_LETTERS.labels(self.name).inc()
        record = json.dumps({"reason": reason[:2000], "consumer": self.name, "original": raw.decode("utf-8", "replace")})
        await self.publisher.send_many([(DEAD_LETTER.name, self.name, record.encode())])

    async def _record_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Messages between this group's position and each assigned partition's end (consumer_lag_messages)."""
        for tp in consumer.assignment():
            end = consumer.highwater(tp)
            if end is not None:
                metrics.CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(
                    max(0, end - await consumer.position(tp)))

    async def run(self, stop: asyncio.Event) -> None:
        if kafka_group(self.name) != self.name:  # a per-run group: start at now, before joining
            try:
                await start_at_end(self.bootstrap, kafka_group(self.name), self.topics)
            except KafkaError as exc:
                log.warning("consumer.start_at_end_failed", consumer=self.name, error=str(exc)[:300])
        while not stop.is_set():
            consumer = self._consumer()
            try:
                # Joining a group can take a full rebalance on the local broker: never make shutdown wait for it.
                if not await _unless_stopped(consumer.start(), stop):
                    break
                while not stop.is_set():
                    batches = await consumer.getmany(timeout_ms=500, max_records=200)
                    await self.handle_many([record.value for records in batches.values() for record in records])
                    if batches:
                        await consumer.commit()
                        await self._record_lag(consumer)
            except KafkaError as exc:
                log.warning("consumer.broker_error", consumer=self.name, error=str(exc)[:300])
                await _sleep_or_stop(stop, 2.0)
            except Exception as exc:  # noqa: BLE001 - reconnect rather than die with the service
                log.error("consumer.crashed", consumer=self.name, error=str(exc)[:300])
                await _sleep_or_stop(stop, 2.0)
            finally:
                # The local broker may never answer the leave-group request: don't let shutdown wait for it (the
                # group's session timeout frees the partitions anyway).
                try:
                    await asyncio.wait_for(consumer.stop(), timeout=3)
                except Exception:  # noqa: BLE001 - stopping a broken consumer may fail too
                    pass


def _errors(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'data'}: {e['msg']}" for e in exc.errors())
    return f"unknown contract {exc}"


def _trace_parent(envelope: Envelope) -> dict[str, str] | None:
    return {"traceparent": envelope.trace.traceparent} if envelope.trace.traceparent else None


async def _unless_stopped(coro, stop: asyncio.Event) -> bool:
    """Await `coro` unless `stop` is set first (then cancel it); True if it completed."""
    task = asyncio.ensure_future(coro)
    stopper = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        stopper.cancel()
        task.result()
        return True
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):  # noqa: BLE001 - a cancelled start may raise anything
        pass
    return False


async def _sleep_or_stop(stop: asyncio.Event, delay: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=delay)
    except asyncio.TimeoutError:
        pass
