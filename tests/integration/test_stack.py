"""The local stack (`mkt stack up`) really runs: idempotent up, restart of a killed part, topics, mail, databases."""
from __future__ import annotations

import os
import signal
import smtplib
import time
import uuid
from email.message import EmailMessage

import pytest

from deploy.local import mailbox, process
from deploy.local.databases import SERVICE_DATABASES
from deploy.local.kafka_topics import partition_counts, run_async
from deploy.local.registry import build_parts
from deploy.local.postgres import PgConn
from deploy.local.stack import ensure_up, logs, status
from kernel.contracts.topics import ALL_TOPICS
from kernel.settings import StackSettings


@pytest.fixture(scope="session")
def settings() -> StackSettings:
    return StackSettings()


@pytest.fixture(scope="session")
def stack(settings):
    return ensure_up(settings=settings, echo=None)


def _pids(rows) -> dict[str, int | None]:
    return {r.part: r.pid for r in rows}


def test_up_is_idempotent(stack, settings):
    before = status(settings=settings)
    assert all(r.up for r in before if r.state != "not installed"), before
    again = ensure_up(settings=settings, echo=None)
    started = {name: r.action for name, r in again.items() if r.action in ("started", "restarted")}
    assert started == {}, f"second up started {started}"
    after = status(settings=settings)
    assert _pids(after) == _pids(before)


def test_killed_part_is_restarted(stack, settings):
    redis = build_parts(settings)["redis"]
    record = process.read_pid(redis.pid_path)
    assert process.is_alive(record), "redis should be up (started by mkt) before the test"
    os.kill(record.pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while process.is_alive(record) and time.monotonic() < deadline:
        time.sleep(0.05)
    [row] = status(["redis"], settings=settings)
    assert row.state == "down"

    result = ensure_up(["redis"], settings=settings, echo=None)["redis"]
    assert result.action == "restarted"
    assert result.pid and result.pid != record.pid
    [row] = status(["redis"], settings=settings)
    assert row.state == "up" and row.pid == result.pid
    assert "starting" in logs("redis", 200, settings=settings)


def test_topics_have_declared_partition_counts(stack, settings):
    counts = run_async(partition_counts(settings.kafka_bootstrap_servers, [t.name for t in ALL_TOPICS]))
    assert {t.name: t.partitions for t in ALL_TOPICS} == counts


def test_smtp_sink_stores_mail(stack, settings):
    subject = f"stack test {uuid.uuid4()}"
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = "buyer@example.com"
    msg["Subject"] = subject
    msg.set_content("Your order has shipped. Ünïcödé too.")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=5) as smtp:
        smtp.send_message(msg, to_addrs=["buyer@example.com", "audit@example.com"])

    mail_dir = build_parts(settings)["smtp"].mail_dir
    got = mailbox.wait_for_message(lambda m: m["Subject"] == subject, mail_dir, timeout=5)
    assert got["To"] == "buyer@example.com"
    assert "audit@example.com" in got["X-RcptTo"]
    assert got.get_body(("plain",)).get_content().strip() == "Your order has shipped. Ünïcödé too."
    assert any(m["Subject"] == subject for m in mailbox.list_messages(mail_dir))


def test_postgres_has_every_service_database(stack, settings):
    import psycopg

    conn = PgConn.from_url(settings.database_url)
    with psycopg.connect(conn.conninfo(), autocommit=True) as c:
        names = {row[0] for row in c.execute("SELECT datname FROM pg_database")}
    assert set(SERVICE_DATABASES) <= names
    with psycopg.connect(conn.conninfo("orders"), autocommit=True) as c:
        assert c.execute("SELECT current_database()").fetchone() == ("orders",)


def test_dagster_webserver_and_daemon_share_one_code_server(stack, settings):
    """Given `-m`, each would spawn a private code server (the daemon a fresh one every minute): every code server
    process must be the stack's own `dagster-code` part or its child."""
    parts = build_parts(settings)
    assert "dagster-code" in parts["dagster"].needs and "dagster-code" in parts["dagster-daemon"].needs
    code = process.read_pid(parts["dagster-code"].pid_path)
    assert process.is_alive(code)
    for name in ("dagster", "dagster-daemon"):
        assert "-w" in process.read_pid(parts[name].pid_path).cmd
    grpc = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            parent = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if b"api" in cmd and b"grpc" in cmd:
            grpc.append((int(pid), parent))
    assert grpc and all(parent == code.pid for _, parent in grpc), (code.pid, grpc)
