"""kernel.db's pool against the real PostgreSQL: a connection that sat idle is pinged before use and replaced when
the server dropped it; one used moments ago is handed out without a ping (the round-trip that saves)."""
from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy import text

from deploy.local.postgres import PgConn
from kernel import db as kernel_db
from kernel.settings import common_settings, service_database_url


@pytest.fixture
def idle_after_half_a_second(monkeypatch):
    monkeypatch.setenv("DB_PRE_PING_IDLE_SECONDS", "0.5")
    kernel_db.pool_settings.cache_clear()
    yield
    kernel_db.pool_settings.cache_clear()


def _terminate(pid: int) -> None:
    conn = PgConn.from_url(common_settings().database_url)
    with psycopg.connect(conn.conninfo("orders"), autocommit=True) as c:
        assert c.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)


async def _backend_pid(db: kernel_db.Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")))


async def test_an_idle_connection_the_server_dropped_is_replaced_before_use(stack, idle_after_half_a_second):
    db = kernel_db.Database(service_database_url("orders"), pool_size=1)
    try:
        first = await _backend_pid(db)
        _terminate(first)
        await asyncio.sleep(0.7)  # idle past the threshold: the next checkout pings, fails, reconnects
        second = await _backend_pid(db)
        assert second != first
    finally:
        await db.dispose()


async def test_a_connection_used_moments_ago_is_not_pinged(stack, idle_after_half_a_second):
    db = kernel_db.Database(service_database_url("orders"), pool_size=1)
    pings: list[str] = []
    try:
        first = await _backend_pid(db)
        real_ping = db.engine.sync_engine.dialect.do_ping
        db.engine.sync_engine.dialect.do_ping = lambda conn: pings.append("ping") or real_ping(conn)
        assert await _backend_pid(db) == first and pings == []  # reused at once: no ping
        await asyncio.sleep(0.7)
        assert await _backend_pid(db) == first and pings == ["ping"]  # idle: pinged, still alive, kept
    finally:
        await db.dispose()
