"""The events -> warehouse sink end to end: real Tansu, real warehouse server, a real faust worker process.

The warehouse persists between runs, so every test uses event types unique to this run and counts only those.
The worker joins the normal consumer group: if the stack runs another worker, the two share partitions instead
of both ingesting (and racing on) the same events. It reaches the warehouse through a TCP proxy the test can cut,
to play a warehouse outage without touching the shared server.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import random
import signal
import socket
import string
import subprocess
import sys
import threading
import time
from datetime import timezone
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from kernel.contracts.topics import DEAD_LETTER, ORDERS
from kernel.events import Envelope
from kernel.settings import common_settings
from kernel.warehouse import parse_clickhouse_url, warehouse_client
from tests.kafka_helpers import STREAMS_GROUP as APP_ID
from tests.kafka_helpers import wait_committed
from warehouse.migrate import migrate

SINK_GROUP = f"{APP_ID}-warehouse-sink"  # the sink reads in a group of its own (streams/warehouse_sink/consumer.py)
RUN = "".join(random.choices(string.ascii_lowercase, k=10))  # event types allow only [a-z_.]


@pytest.fixture(scope="session")
def stack(stack):
    """The shared stack fixture (started and migrated), as the settings this module reads."""
    return common_settings()


class CuttableProxy:
    """TCP forwarder to the warehouse; cut() drops live connections and refuses new ones until restore()."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.up = True
        self.live: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                downstream, _ = self.server.accept()
            except OSError:
                return  # closed
            if not self.up:
                downstream.close()
                continue
            upstream = socket.create_connection(self.target)
            self.live |= {downstream, upstream}
            for src, dst in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                self.live.discard(sock)
                sock.close()

    def cut(self) -> None:
        self.up = False
        for sock in list(self.live):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.fixture(scope="module")
def worker(stack, tmp_path_factory):
    """`mkt streams worker` as a subprocess (it execs faust, so the PID stays the worker's), killed by PID."""
    address = parse_clickhouse_url(stack.clickhouse_url)
    proxy = CuttableProxy(address.host, address.port)
    log_path: Path = tmp_path_factory.mktemp("worker") / "worker.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkt.cli", "streams", "worker", "--loglevel", "info"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "STREAMS_APP_ID": APP_ID, "PYTHONUNBUFFERED": "1",
                 "CLICKHOUSE_URL": f"http://127.0.0.1:{proxy.port}", "STREAMS_SINK_MAX_BACKOFF_SECONDS": "2"},
        )
    started = time.monotonic()
    try:
        while b"[^Worker]: Ready" not in log_path.read_bytes():
            if proc.poll() is not None or time.monotonic() - started > 60:
                pytest.fail(f"worker did not become ready:\n{log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.2)
        print(f"\nworker ready in {time.monotonic() - started:.1f}s (pid {proc.pid})")
        yield proc, log_path, proxy
    finally:
        proxy.close()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="module")
def client(stack):
    c = warehouse_client(stack)
    yield c
    # This run's rows are test data, not marketplace history: keep the shared warehouse clean for dashboards.
    c.command("DELETE FROM events WHERE startsWith(type, %(prefix)s)", parameters={"prefix": f"itest.{RUN}."})
    c.close()


def count(client, event_type: str) -> int:
    return int(client.command("SELECT count() FROM events WHERE type = %(t)s", parameters={"t": event_type}))


async def wait_for_count(client, event_type: str, expected: int, timeout: float = 60.0) -> float:
    started = time.monotonic()
    while (seen := count(client, event_type)) != expected:
        assert seen < expected, f"{seen} rows of {event_type}, expected {expected}: duplicates landed"
        assert time.monotonic() - started < timeout, f"only {seen}/{expected} rows of {event_type} after {timeout}s"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> dict[int, int]:
    """Send and wait for every ack; returns the end offset per partition written to."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key) for key, value in messages]
        ends: dict[int, int] = {}
        for meta in await asyncio.gather(*futures):
            ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
        return ends
    finally:
        await producer.stop()


def envelopes(event_type: str, n: int) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs; keys repeat (several events per order), so they spread over all partitions."""
    return [(f"order-{i % 37}".encode(), Envelope(type=event_type, data={
        "orderId": f"order-{i % 37}", "i": i, "amountMinor": 100 + i, "currency": "EUR"}).to_json()) for i in range(n)]


async def test_events_land_once_and_a_replay_adds_nothing(stack, worker, client):
    event_type = f"itest.{RUN}.replayed"
    first = envelopes(event_type, 300)
    await produce(stack.kafka_bootstrap_servers, ORDERS.name, first)
    await wait_for_count(client, event_type, 300)

    fresh = envelopes(event_type, 7)
    ends = await produce(stack.kafka_bootstrap_servers, ORDERS.name, first + fresh)  # the replay, then new ones
    await wait_for_count(client, event_type, 307)
    await wait_committed(stack.kafka_bootstrap_servers, ORDERS.name, ends, group=SINK_GROUP)
    assert count(client, event_type) == 307
    unique = client.command("SELECT uniqExact(event_id) FROM events WHERE type = %(t)s", parameters={"t": event_type})
    assert int(unique) == 307


async def test_row_content_matches_the_envelope(stack, worker, client):
    event_type = f"itest.{RUN}.content"
    env = Envelope(type=event_type, version=3, data={"title": "Crème ☕", "qty": 2},
                   actor={"type": "user", "id": "u-1"}, trace={"requestId": "r-1", "correlationId": "c-1"})
    await produce(stack.kafka_bootstrap_servers, ORDERS.name, [(b"k", env.to_json())])
    await wait_for_count(client, event_type, 1)
    row = client.query(
        "SELECT toString(event_id), version, actor_type, actor_id, data, request_id, correlation_id, topic, "
        "occurred_at FROM events WHERE type = %(t)s", parameters={"t": event_type},
    ).result_rows[0]
    assert row[:4] == (env.event_id, 3, "user", "u-1")
    assert json.loads(row[4]) == {"title": "Crème ☕", "qty": 2}
    assert row[5:8] == ("r-1", "c-1", ORDERS.name)
    stored = row[8] if row[8].tzinfo else row[8].replace(tzinfo=timezone.utc)  # the client may drop the UTC zone
    assert abs((stored - env.occurred_at).total_seconds()) < 0.001


async def dead_letters(bootstrap: str, start: int | None = None) -> tuple[int, list[dict]]:
    """(end offset, records from `start`) of the one-partition dead-letter topic."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(DEAD_LETTER.name, 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        if start is None:
            return end, []
        consumer.seek(tp, start)
        batch = await consumer.getmany(tp, timeout_ms=2000)
        return end, [json.loads(m.value) for m in batch.get(tp, [])]
    finally:
        await consumer.stop()


async def test_garbage_is_dead_lettered_and_ingestion_continues(stack, worker, client):
    proc = worker[0]
    bootstrap = stack.kafka_bootstrap_servers
    event_type = f"itest.{RUN}.after_garbage"
    start, _ = await dead_letters(bootstrap)
    garbage = b"\xff not json " + RUN.encode() + b"\xfe\x00"
    bad_id = Envelope(type=event_type, data={}).model_dump(by_alias=True, mode="json") | {"eventId": f"id-{RUN}"}
    await produce(bootstrap, ORDERS.name, [(b"g", garbage), (b"g", json.dumps(bad_id).encode())]
                  + envelopes(event_type, 50))
    await wait_for_count(client, event_type, 50)
    assert proc.poll() is None, "the worker died"

    found: dict[str, dict] = {}
    deadline = time.monotonic() + 30
    while len(found) < 2 and time.monotonic() < deadline:
        for record in (await dead_letters(bootstrap, start))[1]:
            original = base64.b64decode(record["originalBase64"])
            if original == garbage:
                found["garbage"] = record
            elif f"id-{RUN}".encode() in original:
                found["bad_id"] = record
    assert set(found) == {"garbage", "bad_id"}, f"dead letters seen: {found}"
    assert found["garbage"]["reason"].startswith("invalid JSON")
    assert found["garbage"]["source"]["topic"] == ORDERS.name
    assert "is not a UUID" in found["bad_id"]["reason"]


async def test_a_warehouse_outage_delays_but_loses_and_duplicates_nothing(stack, worker, client):
    proc, log_path, proxy = worker
    event_type = f"itest.{RUN}.outage"
    failures_before = log_path.read_bytes().count(b"warehouse insert failed")
    proxy.cut()
    try:
        await produce(stack.kafka_bootstrap_servers, ORDERS.name, envelopes(event_type, 40))
        deadline = time.monotonic() + 20
        while log_path.read_bytes().count(b"warehouse insert failed") == failures_before:
            assert time.monotonic() < deadline, "the sink never hit the outage"
            await asyncio.sleep(0.2)
        assert count(client, event_type) == 0
    finally:
        proxy.restore()
    await wait_for_count(client, event_type, 40)
    await asyncio.sleep(2)  # a late retry of an already-landed batch would show up here
    assert count(client, event_type) == 40
    assert proc.poll() is None


@pytest.mark.slow
async def test_a_burst_of_10k_events_lands(stack, worker, client):
    """Prints the figures; asserts only completeness and a generous floor, since the machine is shared."""
    event_type = f"itest.{RUN}.burst"
    messages = envelopes(event_type, 10_000)
    started = time.monotonic()
    await produce(stack.kafka_bootstrap_servers, ORDERS.name, messages)
    produced = time.monotonic() - started
    await wait_for_count(client, event_type, 10_000, timeout=120)
    landed = time.monotonic() - started
    print(f"\n10k burst: produced in {produced:.2f}s, queryable after {landed:.2f}s = {10_000 / landed:,.0f} events/s")
    assert 10_000 / landed > 500
