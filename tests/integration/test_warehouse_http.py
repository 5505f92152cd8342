"""The local warehouse server speaks enough of ClickHouse's HTTP interface for clickhouse-connect, unmodified.

The server runs as its own process over a fresh chDB data path; clients run in this process and, for the
concurrency case, in two more OS processes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import clickhouse_connect
import lz4.frame
import pytest
import sqlalchemy as sa
from clickhouse_connect.driver.exceptions import DatabaseError

REPO = Path(__file__).resolve().parents[2]
ROWS = 50_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int) -> bytes | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1) as response:
            return response.read()
    except OSError:
        return None


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warehouse")
    port, log_path = _free_port(), tmp / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "deploy.local.chdb_server.http_server", "--data-dir", str(tmp / "chdb"),
             "--host", "127.0.0.1", "--port", str(port), "--pool", "4"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while _ping(port) != b"Ok.\n":
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"warehouse server did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield port
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def connect(port: int, **kwargs):
    return clickhouse_connect.get_client(host="127.0.0.1", port=port, **kwargs)


@pytest.fixture(scope="module")
def db(port):
    c = connect(port)
    c.command("CREATE DATABASE IF NOT EXISTS mk")
    c.command("CREATE TABLE mk.orders (id UInt64, vendor UInt32, amount_minor Int64, sku String) "
              "ENGINE = MergeTree ORDER BY id")
    c.command("CREATE TABLE mk.events (event_id String, version UInt32, status String) "
              "ENGINE = ReplacingMergeTree(version) ORDER BY event_id")
    return c


def _orders(start: int, n: int) -> list[list]:
    ids = list(range(start, start + n))
    return [ids, [i % 37 for i in ids], [i * 7 for i in ids], [f"sku-{i:08d}" for i in ids]]


def _insert_orders(c, start: int, n: int):
    return c.insert("mk.orders", _orders(start, n), column_names=["id", "vendor", "amount_minor", "sku"],
                    column_oriented=True)


def test_ping_and_root(port):
    assert _ping(port) == b"Ok.\n"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
        assert response.read() == b"Ok.\n"


def test_ddl_is_a_command_without_result(db):
    assert db.command("EXISTS TABLE mk.orders") == 1
    summary = db.command("CREATE TABLE IF NOT EXISTS mk.orders (id UInt64) ENGINE = MergeTree ORDER BY id")
    assert not isinstance(summary, (str, int))  # a QuerySummary: no X-ClickHouse-Format on DDL


@pytest.mark.parametrize("compress", [True, False, "zstd", "gzip"])
def test_insert_and_read_back_exact(db, port, compress):
    c = connect(port, compress=compress)
    base = {True: 0, False: 1, "zstd": 2, "gzip": 3}[compress] * 10_000_000
    summary = _insert_orders(c, base, ROWS)
    assert summary.written_rows == ROWS
    count, total = c.query("SELECT count(), sum(amount_minor) FROM mk.orders WHERE id >= {lo:UInt64} AND id < {hi:UInt64}",
                           parameters={"lo": base, "hi": base + ROWS}).result_rows[0]
    assert (count, total) == (ROWS, sum(i * 7 for i in range(base, base + ROWS)))


def test_insert_body_larger_than_max_query_size(db, port):
    c = connect(port, compress=False)
    c.command("CREATE TABLE mk.big (id UInt32, payload String) ENGINE = MergeTree ORDER BY id")
    payload = "x" * 200
    c.insert("mk.big", [[i, payload] for i in range(20_000)], column_names=["id", "payload"])  # ~4 MiB body
    csv = "".join(f"{i},{payload}\n" for i in range(20_000, 25_000)).encode()  # ~1 MiB, CSV in the body
    c.raw_insert("mk.big", ["id", "payload"], insert_block=csv, fmt="CSV")
    # compressed raw insert: statement in the `query` URL parameter, data alone in the body
    c.raw_insert("mk.big", ["id", "payload"], insert_block=lz4.frame.compress(csv.replace(b"x", b"y")), fmt="CSV",
                 compression="lz4")
    assert c.query("SELECT count(), sum(id), countIf(payload LIKE 'y%') FROM mk.big").result_rows[0] == (
        30_000, sum(range(20_000)) + 2 * sum(range(20_000, 25_000)), 5_000)


def test_replacing_merge_tree_dedupes(db):
    db.insert("mk.events", [["e1", 1, "placed"], ["e1", 2, "paid"], ["e2", 1, "placed"]],
              column_names=["event_id", "version", "status"])
    rows = db.query("SELECT event_id, status FROM mk.events FINAL ORDER BY event_id").result_rows
    assert rows == [("e1", "paid"), ("e2", "placed")]


def test_server_side_parameters_and_settings(db):
    result = db.query("SELECT {a:UInt32} + 1 AS a1, {s:String} AS s, getSetting('max_block_size') AS mbs",
                      parameters={"a": 41, "s": "it's"}, settings={"max_block_size": 999})
    assert result.result_rows == [(42, "it's", 999)]
    assert db.command("SELECT getSetting('max_block_size')") != 999  # a URL setting lasts one query


def test_query_df_and_query_arrow(db):
    df = db.query_df("SELECT id, sku, amount_minor FROM mk.orders WHERE id < 5 ORDER BY id")
    assert list(df.columns) == ["id", "sku", "amount_minor"]
    assert df["amount_minor"].tolist() == [0, 7, 14, 21, 28]
    table = db.query_arrow("SELECT vendor, count() AS n FROM mk.orders WHERE id < 37000 GROUP BY vendor ORDER BY vendor")
    assert table.column_names == ["vendor", "n"] and table.num_rows == 37
    assert table.column("n").to_pylist() == [1000] * 37


def test_empty_result_keeps_column_names(db):
    result = db.query("SELECT id, sku FROM mk.orders WHERE id > 1e15")
    assert result.column_names == ("id", "sku") and result.result_rows == []
    assert [t.name for t in result.column_types] == ["UInt64", "String"]
    # (query_df of an empty result has no columns even against real ClickHouse: the client drops empty series)
    assert db.query_arrow("SELECT id, sku FROM mk.orders WHERE 0").column_names == ["id", "sku"]


def test_datetime_time_zones_round_trip(db):
    db.command("CREATE TABLE mk.times (id UInt8, ts DateTime64(3, 'America/New_York'), d DateTime('Asia/Tokyo')) "
               "ENGINE = MergeTree ORDER BY id")
    when = datetime(2024, 3, 10, 6, 30, 15, 123000, tzinfo=timezone.utc)
    db.insert("mk.times", [[1, when, when.replace(microsecond=0)]], column_names=["id", "ts", "d"])
    result = db.query("SELECT ts, d FROM mk.times")
    assert [t.name for t in result.column_types] == ["DateTime64(3, 'America/New_York')", "DateTime('Asia/Tokyo')"]
    ts, d = result.result_rows[0]
    assert ts == when and ts.tzinfo.key == "America/New_York"
    assert d == when.replace(microsecond=0) and d.tzinfo.key == "Asia/Tokyo"


def test_errors_carry_the_clickhouse_code(db):
    with pytest.raises(DatabaseError) as unknown:
        db.query("SELECT * FROM mk.no_such_table")
    assert unknown.value.code == 60 and "UNKNOWN_TABLE" in str(unknown.value)
    with pytest.raises(DatabaseError) as syntax:
        db.command("SELEC 1")
    assert syntax.value.code == 62
    with pytest.raises(DatabaseError) as bad_data:
        db.raw_insert("mk.orders", ["id", "vendor"], insert_block=b"999999999,2\nnot-a-number,3\n", fmt="CSV")
    assert bad_data.value.code == 27  # CANNOT_PARSE_INPUT_ASSERTION_FAILED
    assert db.command("SELECT count() FROM mk.orders WHERE id = 999999999") == 0  # the insert failed as a whole
    assert db.command("SELECT 1") == 1  # the session is usable after errors


def test_streaming_rows_and_a_mid_stream_error(db):
    with db.query_row_block_stream("SELECT number, toString(number) FROM numbers(300000)") as stream:
        assert sum(len(block) for block in stream) == 300_000
    with pytest.raises(DatabaseError) as failure:
        with db.query_row_block_stream("SELECT throwIf(number = 250000) FROM numbers(300000)") as stream:
            for _ in stream:
                pass
    assert failure.value.code == 395


def test_a_slow_query_does_not_block_others(port):
    slow, fast = connect(port), connect(port)
    worker = threading.Thread(target=slow.command, args=("SELECT sleep(2)",))
    started = time.monotonic()
    worker.start()
    time.sleep(0.2)  # the slow query is running in the server by now
    assert fast.command("SELECT 1") == 1 and _ping(port) == b"Ok.\n"
    assert time.monotonic() - started < 1.5
    worker.join()
    assert time.monotonic() - started >= 2


def test_sqlalchemy_dialect_with_bound_parameter(db, port):
    engine = sa.create_engine(f"clickhousedb://127.0.0.1:{port}/default")
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT count() AS n FROM mk.orders WHERE vendor = :v AND id < 3700"),
                                {"v": 5}).all()
            assert rows == [(100,)]
            assert "orders" in sa.inspect(conn).get_table_names(schema="mk")
    finally:
        engine.dispose()


def test_session_state_stays_in_its_session(port):
    a, b = connect(port), connect(port)
    a.command("SET max_block_size = 1234")
    assert a.command("SELECT getSetting('max_block_size')") == 1234
    assert b.command("SELECT getSetting('max_block_size')") != 1234
    assert a.command("SELECT getSetting('max_block_size')", settings={"max_block_size": 99}) == 99
    assert a.command("SELECT getSetting('max_block_size')") == 1234  # the session's own SET comes back
    a.command("CREATE TEMPORARY TABLE tmp_cart (x UInt32)")
    a.insert("tmp_cart", [[1], [2]], column_names=["x"])
    assert a.command("SELECT sum(x) FROM tmp_cart") == 3
    with pytest.raises(DatabaseError) as missing:
        b.command("SELECT count() FROM tmp_cart")
    assert missing.value.code == 60
    sessionless = connect(port, autogenerate_session_id=False)
    sessionless.command("SET max_block_size = 777")
    assert sessionless.command("SELECT getSetting('max_block_size')") != 777


WORKER = r"""
import json, sys, time
from pathlib import Path
import clickhouse_connect
port, worker, gate = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
c = clickhouse_connect.get_client(host="127.0.0.1", port=port)
(gate / f"ready-{worker}").touch()
while not (gate / "go").exists():  # both processes start their work together
    time.sleep(0.005)
began, seen = time.time(), []
for batch in range(8):
    base = 100_000_000 * (worker + 1) + batch * 10_000
    c.insert("mk.concurrent", [list(range(base, base + 10_000)), [worker] * 10_000], column_names=["id", "worker"],
             column_oriented=True)
    seen.append(c.query("SELECT count() FROM mk.concurrent WHERE worker = {w:UInt8}", parameters={"w": worker}).result_rows[0][0])
print(json.dumps({"began": began, "ended": time.time(), "seen": seen}))
"""


def test_two_processes_insert_and_query_at_once(db, port, tmp_path):
    db.command("CREATE TABLE mk.concurrent (id UInt64, worker UInt8) ENGINE = MergeTree ORDER BY id")
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(port), str(w), str(tmp_path)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for w in (0, 1)]
    deadline = time.monotonic() + 30
    while not all((tmp_path / f"ready-{w}").exists() for w in (0, 1)):
        assert all(p.poll() is None for p in procs) and time.monotonic() < deadline, "a worker did not start"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err.decode()
    results = [json.loads(out) for out, _ in outputs]
    for result in results:
        assert result["seen"] == [10_000 * (i + 1) for i in range(8)]  # each sees its own writes at once
    assert max(r["began"] for r in results) < min(r["ended"] for r in results)
    expected = sum(sum(range(100_000_000 * (w + 1) + b * 10_000, 100_000_000 * (w + 1) + (b + 1) * 10_000))
                   for w in (0, 1) for b in range(8))
    assert db.query("SELECT count(), sum(id) FROM mk.concurrent").result_rows == [(160_000, expected)]
