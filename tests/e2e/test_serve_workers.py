"""`mkt serve --workers 2` as deployed on one machine: two web workers on one port and one background process.

What only the multi-process layout can break: a token signed in one worker must be accepted by the other (they
share one signing key, even on a fresh stack where they create it together), and an event committed by a web worker
must leave through the background process's relay because the worker woke it (kernel/outbox_wake.py's pipe), not
because the relay happened to poll: the relays' fallback poll is set to a minute here, beyond the wait below.
"""
from __future__ import annotations

import time
import uuid

import httpx
import psycopg

from deploy.local.postgres import PgConn
from kernel.settings import common_settings
from simulator.flows import new_user
from tests.e2e.conftest import MKT, free_port, wait_ready


def _published_at(user_id: str):
    conn = PgConn.from_url(common_settings().database_url)
    with psycopg.connect(conn.conninfo("auth"), autocommit=True) as c:
        row = c.execute("SELECT published_at FROM outbox WHERE event_type = 'user.created' "
                        "AND payload->'data'->>'userId' = %s", (user_id,)).fetchone()
    return row[0] if row else None


def _wait_published(user_ids: set[str], *, within: float) -> None:
    deadline, pending = time.monotonic() + within, set(user_ids)
    while pending and time.monotonic() < deadline:
        pending = {uid for uid in pending if _published_at(uid) is None}
        time.sleep(0.2)
    assert not pending, f"user.created of {pending} still unpublished {within:.0f} s after commit (relay poll: 60 s)"


async def test_two_web_workers_share_tokens_and_wake_the_background_relays(stack, processes, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = processes.start([MKT, "serve", "--port", str(port), "--workers", "2"],
                           {"ENV": "test", "OUTBOX_RELAY_POLL_SECONDS": "60",
                            "CONSUMER_GROUP_SUFFIX": f"-workers-{uuid.uuid4().hex[:8]}"}, tmp_path / "api.log")
    wait_ready(f"{base}/readyz", proc, timeout=180)
    try:
        # The background process may start its relays after the web workers answer: once a first event is out,
        # auth's relay has done its start-up poll, and for the next minute only a wake-up makes it publish.
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            first = await new_user(http, "workers")
        _wait_published({first["userId"]}, within=120)
        users = []
        for _ in range(4):  # a new connection each: SO_REUSEPORT spreads them over both workers
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                users.append(await new_user(http, "workers"))
        for user in users:
            for _ in range(4):
                async with httpx.AsyncClient(base_url=base, timeout=30) as http:
                    me = await http.get("/v1/me", headers={"Authorization": f"Bearer {user['accessToken']}"})
                assert me.status_code == 200, me.text
        _wait_published({u["userId"] for u in users}, within=30)
    finally:
        processes.stop_all()
