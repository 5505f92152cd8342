"""The whole backbone with real parts: HTTP → service → outbox → relay → Kafka → Faust worker → warehouse,
then a replay of the outbox that must add nothing."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from kernel.contracts.topics import USERS
from kernel.settings import common_settings, service_database_url
from kernel.warehouse import warehouse_client
from mkt.outbox_cli import replay_all
from tests.conftest import unique_email
from tests.kafka_helpers import end_offsets, wait_committed


def user_created_event_id(user_id: str) -> str:
    engine = create_engine(service_database_url("auth"))
    with engine.connect() as conn:
        event_id = conn.execute(text("SELECT event_id::text FROM outbox WHERE key = :k AND event_type = "
                                     "'user.created'"), {"k": user_id}).scalar_one()
    engine.dispose()
    return event_id


def warehouse_rows(event_ids: list[str]) -> int:
    return warehouse_client().query("SELECT count() FROM events WHERE event_id IN {ids:Array(UUID)}",
                                    parameters={"ids": event_ids}).result_rows[0][0]


async def wait_rows(event_ids: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while warehouse_rows(event_ids) < len(event_ids):
        assert time.monotonic() < deadline, "events never reached the warehouse"
        await asyncio.sleep(0.3)


async def test_registration_reaches_the_warehouse_once_even_after_a_replay(client, streams_worker):
    since = datetime.now(timezone.utc) - timedelta(seconds=2)
    user_ids = []
    for _ in range(5):
        resp = await client.post("/v1/auth/register", json={"email": unique_email("wh"), "password": "pass-word-9"})
        assert resp.status_code == 201
        user_ids.append(resp.json()["userId"])
    event_ids = [user_created_event_id(u) for u in user_ids]
    await wait_rows(event_ids)
    row = warehouse_client().query(
        "SELECT type, topic, JSONExtractString(data, 'userId') FROM events WHERE event_id = {id:UUID}",
        parameters={"id": event_ids[0]}).result_rows[0]
    assert row == ("user.created", USERS.name, user_ids[0])

    replayed = await replay_all(since, ["auth"])
    assert replayed["auth"] >= len(event_ids)
    await wait_committed(common_settings().kafka_bootstrap_servers, USERS.name, await end_offsets(USERS.name), 60)
    assert warehouse_rows(event_ids) == len(event_ids), "a replay must not add rows"
