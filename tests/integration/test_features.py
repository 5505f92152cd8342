"""The Feast feature store against the real stack: `mkt features apply`, a stream feature readable online within
seconds of the order (real Tansu, a real faust worker process, the real PostgreSQL online store), and
`mkt features materialize` loading batch features computed by the warehouse views.

The worker runs under its own app id (consumer group, changelog and signal topics), its group's offsets set to
the end of every topic first: it neither competes with another worker for partitions nor replays history.
The batch test uses a throwaway warehouse database, so its made-up orders never reach the shared warehouse.
"""
from __future__ import annotations

import asyncio
import os
import random
import signal
import string
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from kernel.contracts.registry import contract_for
from kernel.contracts.topics import DOMAIN_TOPICS, ORDERS, PAYMENTS
from kernel.events import Envelope
from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from mkt.streams_cli import worker_argv
from streams.warehouse_sink.logic import EVENT_COLUMNS, SourceRef, to_row
from tests.integration.order_events import line, order_created, order_no
from tests.scratch_warehouse import scratch_warehouse as throwaway_warehouse

RUN = "".join(random.choices(string.ascii_lowercase, k=8))
APP_ID = f"features-test-{RUN}"
MKT = [sys.executable, "-m", "mkt.cli"]


async def commit_end_offsets(group: str) -> None:
    """Start `group` at the end of every domain topic (a new group would otherwise read them from the start)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(t.name, p) for t in DOMAIN_TOPICS
                      for p in consumer.partitions_for_topic(t.name) or ()]
        consumer.assign(partitions)  # manual assignment: commit without joining (and rebalancing) the group
        ends = await consumer.end_offsets(partitions)
        await consumer.commit({tp: offset for tp, offset in ends.items()})
    finally:
        await consumer.stop()


def run_mkt(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([*MKT, *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return time.perf_counter() - started, done.stdout


@pytest.fixture(scope="module")
def setup(stack, tmp_path_factory):
    """The worker starts while `mkt features apply` runs (both spend most of their start importing)."""
    asyncio.run(commit_end_offsets(APP_ID))
    log_path = tmp_path_factory.mktemp("features") / "worker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(worker_argv("info"), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "STREAMS_APP_ID": APP_ID, "PYTHONUNBUFFERED": "1"})
    try:
        apply_seconds, apply_output = run_mkt("features", "apply")
        yield {"worker": proc, "log": log_path, "apply_seconds": apply_seconds, "apply_output": apply_output}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def store(setup):
    from kernel.feature_store import open_store

    return open_store()


def wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while b"[^Worker]: Ready" not in log_path.read_bytes():
        assert proc.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")[-3000:]
        time.sleep(0.2)


def device_features(store, device_id: str) -> dict:
    response = store.get_online_features(
        features=[f"device_stream_features:{name}" for name in (
            "device_orders_24h", "device_distinct_users_24h", "device_distinct_cards_24h")],
        entity_rows=[{"device_id": device_id}])
    return {k: v[0] for k, v in response.to_dict().items()}


def online(store, user_id: str, product_id: str) -> dict:
    service = store.get_feature_service("fraud_v1", allow_cache=True)
    fraud = store.get_online_features(features=service, entity_rows=[{"user_id": user_id, "device_id": "none"}])
    trending = store.get_online_features(
        features=["product_stream_features:product_purchases_1h", "product_stream_features:product_views_1h"],
        entity_rows=[{"product_id": product_id}])
    return {k: v[0] for k, v in {**fraud.to_dict(), **trending.to_dict()}.items()}


async def produce(envelope: Envelope, key: str, topic: str = ORDERS.name) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=common_settings().kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, envelope.to_json(), key=key.encode())
    finally:
        await producer.stop()
    return time.perf_counter()


def with_device(envelope: Envelope, device_id: str) -> Envelope:
    data = contract_for("order.created").validate({**envelope.data, "deviceId": device_id})
    return envelope.model_copy(update={"data": data})


def card_used(number: str, user_id: str, card: str) -> Envelope:
    data = contract_for("payment.intent_created").validate({
        "intentId": str(uuid.uuid4()), "orderNo": number, "userId": user_id, "amountMinor": 1250,
        "currency": "USD", "provider": "fake", "cardFingerprint": card})
    return Envelope(type="payment.intent_created", data=data)


async def until(read, done, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while not done(values := await asyncio.to_thread(read)):
        assert time.monotonic() < deadline, f"never reached: {values}"
        await asyncio.sleep(0.05)
    return values


async def until_orders_1h(store, user_id: str, product_id: str, expected: int, sent_at: float,
                          timeout: float) -> tuple[float, dict]:
    while True:
        values = await asyncio.to_thread(online, store, user_id, product_id)
        if values.get("user_orders_1h") == expected:
            return time.perf_counter() - sent_at, values
        assert time.perf_counter() - sent_at < timeout, f"user_orders_1h never reached {expected}: {values}"
        await asyncio.sleep(0.05)


def test_apply_registers_the_repo(setup, store):
    print(f"\nmkt features apply: {setup['apply_seconds']:.1f} s (process start to exit)")
    assert {s.name for s in store.list_feature_services()} >= {"recs_v1", "fraud_v1", "forecast_v1"}
    assert {e.name for e in store.list_entities()} >= {"user", "product", "vendor", "sku", "device"}
    views = {fv.name for fv in store.list_feature_views()}
    assert {"user_stream_features", "user_daily_features", "sku_daily_features"} <= views


async def test_an_order_is_in_the_online_user_features_within_seconds(setup, store):
    await asyncio.to_thread(wait_ready, setup["worker"], setup["log"])
    user_id, vendor_id, product_id = f"feat-user-{RUN}", f"feat-vendor-{RUN}", f"feat-product-{RUN}"
    lines = [line(vendor_id, product_id, price=1250)]

    number, device_id = order_no(), f"feat-device-{RUN}"
    sent = await produce(with_device(order_created(number, user_id, lines), device_id), number)
    cold, values = await until_orders_1h(store, user_id, product_id, 1, sent, timeout=45)
    assert values["user_spend_1h_minor"] == 1250 and values["user_orders_7d"] == 1
    assert values["user_distinct_addresses_24h"] == 1 and values["user_distinct_devices_24h"] == 1
    # Each entity's row travels on its own key (partition) and push: the product's may trail the user's a little.
    await until(lambda: online(store, user_id, product_id), lambda v: v["product_purchases_1h"] == 1)

    # The payment names only the order: its card reaches the user and, through the order, the device.
    await produce(card_used(number, user_id, f"card-{RUN}"), number, PAYMENTS.name)
    device = await until(lambda: device_features(store, device_id), lambda d: d["device_distinct_cards_24h"] == 1)
    assert device["device_orders_24h"] == 1 and device["device_distinct_users_24h"] == 1
    await until(lambda: online(store, user_id, product_id), lambda v: v["user_distinct_cards_24h"] == 1)

    # Steady state (Feast imported, registry cached): the figure the product cares about.
    number = order_no()
    sent = await produce(order_created(number, user_id, lines, country="CA"), number)
    warm, values = await until_orders_1h(store, user_id, product_id, 2, sent, timeout=10)
    print(f"\nevent -> online: first {cold:.2f} s (worker warming up), then {warm:.2f} s")
    assert values["user_spend_24h_minor"] == 2500 and values["user_distinct_addresses_7d"] == 2
    assert warm < 5


@pytest.fixture
def scratch_warehouse(stack):
    with throwaway_warehouse(f"test_features_{RUN}") as database:
        yield database


def land(database: str, envelopes: list[Envelope]) -> None:
    """Insert envelopes as the warehouse sink does: the typed facts and feature views follow by themselves."""
    client = warehouse_client(database=database)
    now = datetime.now(timezone.utc)
    rows = [to_row(env, SourceRef(ORDERS.name, 0, i), now) for i, env in enumerate(envelopes)]
    client.insert("events", rows, column_names=list(EVENT_COLUMNS))
    client.close()


def materialize_in_thread(database: str) -> tuple[float, str]:
    """`mkt features materialize` in this process (Feast is imported already), in a thread of its own: Feast's
    ClickHouse client is cached per thread, and this one points at a database dropped after the test."""
    from typer.testing import CliRunner

    from mkt.features_cli import features_app

    outcome: dict = {}

    def run() -> None:
        started = time.perf_counter()
        outcome["result"] = CliRunner().invoke(features_app, ["materialize", "--days", "30"],
                                               env={"CLICKHOUSE_DATABASE": database})
        outcome["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=run, name="materialize")
    thread.start()
    thread.join(timeout=180)
    result = outcome["result"]
    assert result.exit_code == 0, (result.output, result.exception)
    return outcome["seconds"], result.output


def test_materialize_loads_batch_features(setup, store, scratch_warehouse):
    user_id, vendor_id, product_id = f"mat-user-{RUN}", f"mat-vendor-{RUN}", f"mat-product-{RUN}"
    days_ago = [9, 3, 3]
    orders = []
    for days in days_ago:
        lines = [line(vendor_id, product_id, qty=2, price=700)]
        envelope = order_created(order_no(), user_id, lines)
        orders.append(envelope.model_copy(update={
            "occurred_at": datetime.now(timezone.utc) - timedelta(days=days), "event_id": str(uuid.uuid4())}))
    sku = orders[0].data["items"][0]["sku"]
    land(scratch_warehouse, orders)

    seconds, output = materialize_in_thread(scratch_warehouse)
    print(f"\nmkt features materialize --days 30: {seconds:.1f} s")
    assert "user_stream_features" not in output  # push-fed views are the stream's, not re-aged by a batch load

    values = store.get_online_features(
        features=["user_daily_features:orders_30d", "user_daily_features:lifetime_spend_minor",
                  "product_daily_features:units_30d", "vendor_daily_features:orders_30d",
                  "sku_daily_features:units_1d"],
        entity_rows=[{"user_id": user_id, "product_id": product_id, "vendor_id": vendor_id, "sku": sku}],
        full_feature_names=True,
    ).to_dict()
    assert values["user_daily_features__orders_30d"] == [3]
    assert values["user_daily_features__lifetime_spend_minor"] == [4200]
    assert values["product_daily_features__units_30d"] == [6]
    assert values["vendor_daily_features__orders_30d"] == [3]
    assert values["sku_daily_features__units_1d"] == [2]
