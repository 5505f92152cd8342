"""Outbox → relay → real broker: in the same transaction, in order per key, nothing lost across a broker restart."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from deploy.local.stack import down, ensure_up
from kernel.contracts.topics import PRODUCTS
from kernel.settings import service_database_url
from mkt.outbox_cli import replay_all
from tests.kafka_helpers import wait_for_events


def outbox_rows(where: str, **params) -> list:
    engine = create_engine(service_database_url("catalog"))
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT event_id::text, event_type, key, payload, published_at FROM outbox "
                                 f"WHERE {where} ORDER BY seq"), params).all()
    engine.dispose()
    return rows


async def create_category(client, token: str, name: str, **extra) -> dict:
    resp = await client.post("/v1/admin/categories", json={"name": name, **extra},
                             headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201, resp.text
    return resp.json()


async def wait_published(event_ids: set[str], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        rows = outbox_rows("event_id::text = ANY(:ids) AND published_at IS NOT NULL", ids=list(event_ids))
        if len(rows) == len(event_ids):
            return
        await asyncio.sleep(0.2)
    pytest.fail("outbox rows were not published in time")


async def test_events_are_written_with_the_change_and_published_in_order_per_key(client, admin_token):
    cat = await create_category(client, admin_token, f"Order Test {uuid.uuid4().hex[:6]}")
    for sort in range(1, 6):
        resp = await client.patch(f"/v1/admin/categories/{cat['id']}", json={"sort": sort},
                                  headers={"Authorization": f"Bearer {admin_token}", "X-Request-ID": f"req-{sort}"})
        assert resp.status_code == 200
    rows = outbox_rows("key = :k", k=cat["id"])
    assert [r.event_type for r in rows] == ["category.created"] + ["category.updated"] * 5
    assert rows[-1].payload["trace"]["requestId"] == "req-5"
    assert rows[-1].payload["actor"]["type"] == "admin"
    ids = {r.event_id for r in rows}
    seen = [e for e in await wait_for_events(PRODUCTS.name, ids) if e["eventId"] in ids]
    first_copies = list(dict.fromkeys(e["eventId"] for e in seen))
    assert first_copies == [r.event_id for r in rows], "one key's events must arrive in commit order"
    assert {e["_key"] for e in seen} == {cat["id"]} and len({e["_partition"] for e in seen}) == 1


async def test_failed_use_case_leaves_no_event(client, admin_token):
    slug = f"dup-{uuid.uuid4().hex[:8]}"
    await create_category(client, admin_token, "First", slug=slug)
    resp = await client.post("/v1/admin/categories", json={"name": "Second", "slug": slug},
                             headers={"Authorization": f"Bearer {admin_token}"})
    assert resp.status_code == 409
    assert len(outbox_rows("payload->'data'->>'slug' = :s", s=slug)) == 1


async def test_broker_restart_then_replay_loses_nothing(client, admin_token):
    since = datetime.now(timezone.utc) - timedelta(seconds=1)
    before = [await create_category(client, admin_token, f"Before {uuid.uuid4().hex[:6]}") for _ in range(3)]
    before_ids = {r.event_id for c in before for r in outbox_rows("key = :k", k=c["id"])}
    await wait_published(before_ids)

    await asyncio.to_thread(down, ["kafka"], None, None)  # memory broker: topics and messages are gone
    during = [await create_category(client, admin_token, f"During {uuid.uuid4().hex[:6]}") for _ in range(3)]
    during_ids = {r.event_id for c in during for r in outbox_rows("key = :k", k=c["id"])}
    await asyncio.sleep(1.0)
    assert not outbox_rows("event_id::text = ANY(:ids) AND published_at IS NOT NULL", ids=list(during_ids))

    await asyncio.to_thread(ensure_up, ["kafka"], None, None)
    await wait_published(during_ids, timeout=60)  # the relay retried with backoff and caught up by itself
    counts = await replay_all(since, ["catalog"])
    assert counts["catalog"] >= len(before_ids | during_ids)
    await wait_for_events(PRODUCTS.name, before_ids | during_ids)
