"""The Idempotency-Key store on real PostgreSQL, including two racing requests with one key.

Also claims made ahead of the work (claim_ahead / settle / release, as orders' checkout uses them): a pending claim
is committed at once, a duplicate sees it pending, the answer is settled later, a released claim frees the key, a
stale claim is taken over and its old token fenced off."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import MetaData

from kernel.errors import ValidationFailed
from kernel.idempotency import ClaimLost, claim, claim_ahead, idempotency_table, release, remember, settle
from tests.scratch_db import scratch_database


@pytest.fixture
async def db(stack):
    table = idempotency_table(MetaData())
    # pool of 4 + as many overflow: the 8 racing claims below
    async with scratch_database("idem", table.metadata, pool_size=4) as database:
        yield database, table


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


# --- claims made ahead (orders' checkout: no transaction open across its remote calls) ---------------------------

SCOPE = "orders:user-1"
FRESH = timedelta(minutes=2)


async def _claim(database, table, key, body, stale_after=FRESH):
    async with database.sessions() as session, session.begin():  # its own short, committed transaction
        return await claim_ahead(session, table, scope=SCOPE, key=key, body=body, stale_after=stale_after)


async def _settle(database, table, key, token, answer):
    async with database.sessions() as session, session.begin():
        await settle(session, table, scope=SCOPE, key=key, token=token, status_code=201, body=answer)


async def _release(database, table, key, token):
    async with database.sessions() as session, session.begin():
        await release(session, table, scope=SCOPE, key=key, token=token)


async def test_racing_claims_give_the_key_to_exactly_one_and_the_others_see_it_pending(db):
    database, table = db
    claims = await asyncio.gather(*[_claim(database, table, "k-1", {"qty": 2}) for _ in range(8)])
    holders = [c for c in claims if c.token is not None]
    assert len(holders) == 1
    assert all(c.token is None and c.stored is None for c in claims if c is not holders[0])  # pending

    await _settle(database, table, "k-1", holders[0].token, {"orderNo": "MKT-1"})
    again = await _claim(database, table, "k-1", {"qty": 2})
    assert again.token is None and (again.stored.status_code, again.stored.body) == (201, {"orderNo": "MKT-1"})


async def test_another_body_is_422_while_pending_and_after(db):
    database, table = db
    first = await _claim(database, table, "k-2", {"qty": 2})
    with pytest.raises(ValidationFailed):
        await _claim(database, table, "k-2", {"qty": 3})
    await _settle(database, table, "k-2", first.token, {"orderNo": "MKT-2"})
    with pytest.raises(ValidationFailed):
        await _claim(database, table, "k-2", {"qty": 3})


async def test_a_released_claim_frees_the_key_and_a_settled_one_cannot_be_released(db):
    database, table = db
    first = await _claim(database, table, "k-3", {"qty": 1})
    await _release(database, table, "k-3", first.token)
    second = await _claim(database, table, "k-3", {"qty": 1})
    assert second.token is not None and second.token != first.token
    await _settle(database, table, "k-3", second.token, {"orderNo": "MKT-3"})
    await _release(database, table, "k-3", second.token)  # too late: the answer stays
    assert (await _claim(database, table, "k-3", {"qty": 1})).stored.body == {"orderNo": "MKT-3"}


async def test_a_stale_claim_is_taken_over_and_its_old_token_settles_nothing(db):
    database, table = db
    dead = await _claim(database, table, "k-4", {"qty": 1})
    await asyncio.sleep(0.05)
    assert (await _claim(database, table, "k-4", {"qty": 1})).token is None  # still fresh: pending
    taken = await _claim(database, table, "k-4", {"qty": 1}, stale_after=timedelta(milliseconds=10))
    assert taken.token is not None and taken.token != dead.token
    with pytest.raises(ClaimLost):
        await _settle(database, table, "k-4", dead.token, {"orderNo": "MKT-dead"})
    await _release(database, table, "k-4", dead.token)  # the dead one's undo leaves the new claim alone
    await _settle(database, table, "k-4", taken.token, {"orderNo": "MKT-4"})
    assert (await _claim(database, table, "k-4", {"qty": 1})).stored.body == {"orderNo": "MKT-4"}
