"""The inbox: which events a service's consumers already handled, so redelivery and replays change nothing.

The row is inserted in the same transaction as the handler's state change: handled exactly once in effect.
"""
from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table, func
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

INBOX = "inbox"


def inbox_table(metadata: MetaData) -> Table:
    if INBOX in metadata.tables:
        return metadata.tables[INBOX]
    return Table(
        INBOX,
        metadata,
        Column("event_id", UUID(as_uuid=False), primary_key=True),
        Column("event_type", String(120), nullable=False),
        Column("consumer", String(120), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def create_inbox(op) -> None:
    table = inbox_table(MetaData())
    op.create_table(table.name, *[c.copy() for c in table.columns])


def drop_inbox(op) -> None:
    op.drop_table(INBOX)


async def first_time(session: AsyncSession, table: Table, *, event_id: str, event_type: str, consumer: str) -> bool:
    """Record the event; False if it was already handled (the caller then skips it)."""
    return bool(await first_times(session, table, [(event_id, event_type)], consumer=consumer))


async def first_times(session: AsyncSession, table: Table, events: list[tuple[str, str]], *,
                      consumer: str) -> set[str]:
    """Record several (event_id, event_type) in one statement; returns the ids not handled before (an id repeated
    in `events` is recorded once)."""
    result = await session.execute(
        insert(table).values([{"event_id": event_id, "event_type": event_type, "consumer": consumer}
                              for event_id, event_type in events])
        .on_conflict_do_nothing().returning(table.c.event_id))
    return {str(row[0]) for row in result}
