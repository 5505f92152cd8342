"""The transactional outbox: events are rows written in the same transaction as the state change.

Every service database has an `outbox` table (add it with `outbox_table(Base.metadata)` and create it in the
service's first migration). The relay (kernel/relay.py) publishes rows to Kafka in `seq` order.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from kernel.events import Envelope

OUTBOX = "outbox"


def outbox_table(metadata: MetaData) -> Table:
    if OUTBOX in metadata.tables:
        return metadata.tables[OUTBOX]
    return Table(
        OUTBOX,
        metadata,
        # seq, not event_id, defines publish order: it is assigned at commit-time insert order per transaction.
        Column("seq", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        Column("event_type", String(120), nullable=False),
        Column("topic", String(120), nullable=False),
        Column("key", String(200), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        Index("ix_outbox_unpublished", "seq", postgresql_where=text("published_at IS NULL")),
        Index("ix_outbox_created_at", "created_at"),
    )


def create_outbox(op) -> None:
    """For a service's Alembic migration: creates the outbox exactly as `outbox_table` declares it."""
    table = outbox_table(MetaData())
    op.create_table(table.name, *[c.copy() for c in table.columns])
    op.create_index("ix_outbox_unpublished", OUTBOX, ["seq"], postgresql_where=text("published_at IS NULL"))
    op.create_index("ix_outbox_created_at", OUTBOX, ["created_at"])


def drop_outbox(op) -> None:
    op.drop_table(OUTBOX)


async def write_events(session: AsyncSession, table: Table, pending: list[tuple[str, str, Envelope]]) -> None:
    """Insert (topic, key, envelope) rows; called by the unit of work inside its transaction."""
    if not pending:
        return
    rows = [
        {
            "event_id": env.event_id,
            "event_type": env.type,
            "topic": topic,
            "key": key,
            "payload": env.model_dump(mode="json", by_alias=True),
            "occurred_at": env.occurred_at,
        }
        for topic, key, env in pending
    ]
    await session.execute(insert(table), rows)


def since_filter(table: Table, since: datetime):
    return table.c.created_at >= since
