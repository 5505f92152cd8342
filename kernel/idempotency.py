"""Idempotency-Key store: same key + same body → the same response; same key + different body → 422.

The key row is inserted inside the use case's own transaction, so a concurrent duplicate waits on the unique
index until the first commits, then reads its stored response: never two orders or payments for one key.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, PrimaryKeyConstraint, String, Table, func, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine

from kernel.errors import ValidationFailed

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
