"""Reading topics back from the real broker in tests."""
from __future__ import annotations

import asyncio
import functools
import json
import os
import time

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import Text, any_, cast, select

from kernel.inbox import inbox_table
from kernel.settings import common_settings

STREAMS_GROUP = os.environ.get("STREAMS_APP_ID", "marketplace-streams")
# The warehouse sink reads in a group of its own and commits only after a batch landed
# (streams/warehouse_sink/consumer.py): its committed offsets are the proof an event is in the warehouse.
SINK_GROUP = f"{STREAMS_GROUP}-warehouse-sink"


async def wait_for_events(topic: str, event_ids: set[str], timeout: float = 30.0) -> list[dict]:
    """Every envelope on `topic` (from the beginning) until all `event_ids` were seen; in partition order."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=common_settings().kafka_bootstrap_servers,
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    seen: list[dict] = []
    found: set[str] = set()
    deadline = time.monotonic() + timeout
    try:
        while not event_ids <= found and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    try:
                        env = json.loads(record.value)
                    except ValueError:
                        continue
                    env["_key"] = record.key.decode() if record.key else None
                    env["_partition"], env["_offset"] = record.partition, record.offset
                    seen.append(env)
                    found.add(env.get("eventId"))
            await asyncio.sleep(0)
    finally:
        await consumer.stop()
    missing = event_ids - found
    assert not missing, f"{len(missing)} events never reached {topic}: {sorted(missing)[:5]}"
    return seen


async def end_offsets(topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        await consumer.topics()  # loads the cluster metadata
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: off for tp, off in (await consumer.end_offsets(partitions)).items()}
    finally:
        await consumer.stop()


async def wait_committed(bootstrap: str, topic: str, ends: dict[int, int], timeout: float = 30.0,
                         group: str = SINK_GROUP) -> None:
    """Until the stream worker's warehouse sink has committed past `ends`: proof it landed (not just received)
    them."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        started = time.monotonic()
        for partition, end in ends.items():
            while ((await consumer.committed(TopicPartition(topic, partition))) or 0) < end:
                assert time.monotonic() - started < timeout, f"{topic}[{partition}] not committed to {end}"
                await asyncio.sleep(0.2)
    finally:
        await consumer.stop()


# --- Reactions over the broker (tests/integration/test_reactions_over_kafka*.py, tests/unit/test_reaction_coverage.py)

REACTION_TESTS = "tests/integration/test_reactions_over_kafka*.py"


@functools.cache
def reaction_inventory() -> list[tuple[str, str]]:
    """Every (service, event type) a service reacts to, read from the code: each service's ServiceSpec.consumers
    (a map, or a factory of the started app called here with a stand-in app), keyed by the contract's current name.
    No server is started: each main.py's build_service_app is swapped for one that keeps the spec."""
    import importlib
    from unittest.mock import MagicMock

    from kernel.contracts.registry import contract_for
    from mkt.composition import SERVICE_FACTORIES

    found: set[tuple[str, str]] = set()
    for service in SERVICE_FACTORIES:
        module = importlib.import_module(f"apps.{service}.main")
        specs: list = []
        original = module.build_service_app
        module.build_service_app = lambda spec, wiring=None: specs.append(spec) or MagicMock()
        try:
            module.create_app()
        finally:
            module.build_service_app = original
        consumers = specs[0].consumers
        handlers = consumers(MagicMock()) if callable(consumers) else consumers
        found |= {(service, contract_for(event_type).type) for event_type in handlers}
    return sorted(found)


def broker_only(gateway) -> httpx.AsyncClient:
    """A client of the in-process gateway that tests/flows.py cannot see through (a bare ASGI callable, no
    app.state): `deliver_now` hands nothing over, so every event crosses outbox → relay → Kafka → consumer."""
    async def app(scope, receive, send):
        await gateway(scope, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=30)


async def consumers_joined(gateway, timeout: float = 60.0) -> None:
    """Until every in-process consumer's group has a committed offset on each partition of its topics (a per-run
    group commits the topics' ends before it joins, kernel.consumer.start_at_end): from then on nothing is missed."""
    from kernel.consumer import kafka_group

    bootstrap = common_settings().kafka_bootstrap_servers
    deadline = time.monotonic() + timeout

    async def seeded(consumer) -> None:
        probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=kafka_group(consumer.name),
                                 enable_auto_commit=False)
        await probe.start()
        try:
            await probe.topics()
            tps = [TopicPartition(t, p) for t in consumer.topics for p in probe.partitions_for_topic(t) or ()]
            while any([await probe.committed(tp) is None for tp in tps]):
                assert time.monotonic() < deadline, f"{consumer.name} never committed its starting offsets"
                await asyncio.sleep(0.3)
        finally:
            await probe.stop()

    consumers = [app.state.consumer for app in gateway.state.services.values()
                 if getattr(app.state, "consumer", None) is not None]
    await asyncio.gather(*(seeded(c) for c in consumers))


async def flow_events(gateway, since, needles: list[str]) -> dict[str, list[str]]:
    """event type (current name) → event ids, of the events any service's outbox wrote since `since` whose
    envelope mentions one of `needles` (this test's ids): this flow's events, never another test's."""
    from kernel.contracts.registry import UnknownEventType, contract_for

    found: dict[str, list[str]] = {}
    patterns = [f"%{n}%" for n in needles]
    for app in gateway.state.services.values():
        table = getattr(app.state, "outbox", None)
        if table is None or not hasattr(app.state, "db"):
            continue
        async with app.state.db.sessions() as session:
            rows = (await session.execute(
                select(table.c.event_id, table.c.event_type)
                .where(table.c.created_at >= since, cast(table.c.payload, Text).like(any_(patterns))))).all()
        for event_id, event_type in rows:
            try:
                found.setdefault(contract_for(event_type).type, []).append(str(event_id))
            except UnknownEventType:
                continue
    return found


async def wait_reactions(gateway, reactions: list[tuple[str, str]], since, needles: list[str],
                         timeout: float = 90.0) -> dict[tuple[str, str], str]:
    """Until, for each (service, event type), the consuming service's inbox holds one of this flow's events of
    that type (the inbox row commits with the handler's effect, so it is proof the reaction ran). Returns the
    event id proving each; fails after `timeout` naming what never arrived or was never produced."""
    services = gateway.state.services
    proven: dict[tuple[str, str], str] = {}
    deadline = time.monotonic() + timeout
    while True:
        events = await flow_events(gateway, since, needles)
        for service, event_type in reactions:
            ids = events.get(event_type)
            if (service, event_type) in proven or not ids:
                continue
            app = services[service]
            inbox = inbox_table(app.state.outbox.metadata)
            async with app.state.db.sessions() as session:
                hit = (await session.execute(select(inbox.c.event_id).where(
                    inbox.c.event_id.in_(ids)).limit(1))).scalar()
            if hit is not None:
                proven[(service, event_type)] = str(hit)
        missing = [r for r in reactions if r not in proven]
        if not missing:
            return proven
        if time.monotonic() > deadline:
            never = [r for r in missing if r[1] not in events]
            raise AssertionError(f"not handled over Kafka within {timeout:.0f}s: {missing} "
                                 f"(of which never produced by this flow: {never})")
        await asyncio.sleep(0.5)


def declared_reactions(request) -> list[tuple[str, str]]:
    """The (service, event type) pairs a test declares with @pytest.mark.reaction(service, *event_types)."""
    return [(m.args[0], event_type) for m in request.node.iter_markers("reaction") for event_type in m.args[1:]]


async def wait_inbox(gateway, service: str, event_ids: list[str], timeout: float = 90.0) -> str:
    """Until `service`'s inbox holds one of `event_ids` (returned): for events published straight to Kafka with no
    outbox row for flow_events to find (pipelines' reports and alerts). The inbox row commits with the handler's
    effect, so it is proof the reaction ran."""
    app = gateway.state.services[service]
    inbox = inbox_table(app.state.outbox.metadata)
    deadline = time.monotonic() + timeout
    while True:
        async with app.state.db.sessions() as session:
            hit = (await session.execute(select(inbox.c.event_id).where(
                inbox.c.event_id.in_(event_ids)).limit(1))).scalar()
        if hit is not None:
            return str(hit)
        if time.monotonic() > deadline:
            raise AssertionError(f"{service} did not handle any of {event_ids[:5]} over Kafka within {timeout:.0f}s")
        await asyncio.sleep(0.5)
