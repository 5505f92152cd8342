"""The Idempotency-Key store on real PostgreSQL, including two racing requests with one key."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import MetaData

from kernel.db import Database
from kernel.errors import ValidationFailed
from kernel.idempotency import claim, idempotency_table, remember
from kernel.migrations import drop_database, ensure_database
from kernel.settings import common_settings


@pytest.fixture
async def db(stack):
    server = common_settings().database_url
    name = f"idem_{uuid.uuid4().hex[:8]}"
    ensure_database(server, name)
    database = Database(f"{server.rstrip('/')}/{name}", pool_size=4)
    table = idempotency_table(MetaData())
    async with database.engine.begin() as conn:
        await conn.run_sync(table.metadata.create_all)
    yield database, table
    await database.dispose()
    drop_database(server, name)


async def _handle(database, table, key: str, body: dict, created: list) -> tuple[int, dict]:
    async with database.sessions() as session, session.begin():
        stored = await claim(session, table, scope="orders:user-1", key=key, body=body)
        if stored is not None:
            return stored.status_code, stored.body
        await asyncio.sleep(0.2)  # the use case's work, while a duplicate waits on the key
        response = {"orderNo": f"MKT-{len(created) + 1}"}
        created.append(response)
        await remember(session, table, scope="orders:user-1", key=key, status_code=201, body=response)
        return 201, response


async def test_same_key_same_body_replays_the_response_even_when_racing(db):
    database, table = db
    created: list = []
    results = await asyncio.gather(*[_handle(database, table, "k-1", {"qty": 2}, created) for _ in range(5)])
    assert len(created) == 1
    assert all(r == (201, created[0]) for r in results)


async def test_same_key_different_body_is_422(db):
    database, table = db
    await _handle(database, table, "k-2", {"qty": 2}, [])
    with pytest.raises(ValidationFailed):
        await _handle(database, table, "k-2", {"qty": 3}, [])
