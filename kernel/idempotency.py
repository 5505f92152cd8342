"""Idempotency-Key store: same key + same body → the same response; same key + different body → 422.

`claim` / `remember`: the key row is inserted inside the use case's own transaction, so a concurrent duplicate
waits on the unique index until the first commits, then reads its stored response: never two orders or payments
for one key. Fit for a use case whose transaction makes no calls to other services (payments).

`claim_ahead` / `settle` / `release`: for a use case that must call other services first (orders' checkout). The
claim is committed on its own, short transaction as a *pending* row (no status yet); the use case then makes its
remote calls with no transaction open, and `settle`s the answer in the transaction that writes its result, or
`release`s the claim when it fails, so a retry runs again. The claim row's `created_at` is the claim's fencing
token: `settle` and `release` act only while the row still carries it, so a claim presumed dead and taken over
(`stale_after`) can never be settled twice.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (Column, DateTime, Integer, Interval, MetaData, PrimaryKeyConstraint, String, Table, bindparam,
                        delete, func, select, update)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from kernel.errors import Conflict, ValidationFailed

IDEMPOTENCY = "idempotency_keys"


def idempotency_table(metadata: MetaData, response_type: TypeEngine | None = None) -> Table:
    """`response_type`: how the stored answer is kept (JSONB; orders keeps it encrypted, it repeats an address)."""
    if IDEMPOTENCY in metadata.tables:
        return metadata.tables[IDEMPOTENCY]
    return Table(
        IDEMPOTENCY,
        metadata,
        Column("scope", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=True),
        Column("response", response_type if response_type is not None else JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )


def request_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


async def claim(session: AsyncSession, table: Table, *, scope: str, key: str, body: Any) -> StoredResponse | None:
    """Claim `key` for this request; returns the stored response if the key was already used with this body."""
    if not key or len(key) > 200:
        raise ValidationFailed("Idempotency-Key must be 1..200 characters.")
    digest = request_hash(body)
    inserted = await session.execute(
        insert(table).values(scope=scope, key=key, request_hash=digest).on_conflict_do_nothing().returning(table.c.key)
    )
    if inserted.first() is not None:
        return None
    row = (await session.execute(select(table).where(table.c.scope == scope, table.c.key == key))).one()
    if row.request_hash != digest:
        raise ValidationFailed("This Idempotency-Key was already used with a different request body.")
    return StoredResponse(row.status_code or 200, row.response)


async def remember(session: AsyncSession, table: Table, *, scope: str, key: str, status_code: int,
                   body: Any) -> None:
    await session.execute(
        update(table).where(table.c.scope == scope, table.c.key == key).values(status_code=status_code, response=body)
    )


class ClaimLost(Conflict):
    """The pending claim was taken over (presumed dead after `stale_after`) before this request settled it."""
    title = "Idempotency-Key claim lost"
    type_slug = "idempotency-claim-lost"


@dataclass(frozen=True)
class Claim:
    """What `claim_ahead` found: `token` when this request now holds the key, `stored` when the key already has an
    answer to replay, neither when another request holds it right now (pending)."""
    token: datetime | None = None
    stored: StoredResponse | None = None


def _check_key(key: str) -> None:
    if not key or len(key) > 200:
        raise ValidationFailed("Idempotency-Key must be 1..200 characters.")


async def claim_ahead(session: AsyncSession, table: Table, *, scope: str, key: str, body: Any,
                      stale_after: timedelta) -> Claim:
    """Insert a pending claim for `key`, or take over a pending one older than `stale_after` (its request died
    between claim and settle). The caller commits at once. 422 when the key was used with another body."""
    _check_key(key)
    digest = request_hash(body)
    now = func.clock_timestamp()  # not now(): two claims in one transaction would share a token
    stmt = insert(table).values(scope=scope, key=key, request_hash=digest, created_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key], set_={"created_at": now},
        where=(table.c.status_code.is_(None) & (table.c.request_hash == stmt.excluded.request_hash)
               & (table.c.created_at < now - bindparam("stale_after", stale_after, type_=Interval()))),
    ).returning(table.c.created_at)
    claimed = (await session.execute(stmt)).first()
    if claimed is not None:
        return Claim(token=claimed.created_at)
    row = (await session.execute(select(table.c.request_hash, table.c.status_code, table.c.response)
                                 .where(table.c.scope == scope, table.c.key == key))).first()
    if row is None:  # released between the two statements: pending for an instant, the caller claims again
        return Claim()
    if row.request_hash != digest:
        raise ValidationFailed("This Idempotency-Key was already used with a different request body.")
    if row.status_code is None:
        return Claim()
    return Claim(stored=StoredResponse(row.status_code, row.response))


async def settle(session: AsyncSession, table: Table, *, scope: str, key: str, token: datetime, status_code: int,
                 body: Any) -> None:
    """Store the answer of a claim made by `claim_ahead`, in the transaction that writes the result."""
    done = await session.execute(
        update(table).where(table.c.scope == scope, table.c.key == key, table.c.status_code.is_(None),
                            table.c.created_at == token).values(status_code=status_code, response=body))
    if done.rowcount != 1:
        raise ClaimLost("This request's Idempotency-Key was taken over by a retry; nothing was kept.")


async def release(session: AsyncSession, table: Table, *, scope: str, key: str, token: datetime) -> None:
    """Give a pending claim up (the request failed): a retry with the same key then runs again."""
    await session.execute(delete(table).where(table.c.scope == scope, table.c.key == key,
                                              table.c.status_code.is_(None), table.c.created_at == token))
