"""Which commits of the catalog's database change what the public reads show: the hook that tells read_cache.

Rather than a call in every use case and projection (easy to forget in the next one), the catalog's sessions
watch themselves: an ORM flush that adds, changes or deletes a row of a watched table, or an INSERT/UPDATE/DELETE
statement on one (the projections' bulk updates and upserts), marks the session; its next successful commit calls
`on_commit` once. A rollback forgets the mark. The outbox and inbox are not watched: the relay and the consumer's
bookkeeping change nothing a shopper sees.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

_MARK = "catalog.public_rows_written"


def _table_name(target: Any) -> str | None:
    table = getattr(target, "__table__", None)
    if table is None:
        table = getattr(target, "table", None)  # an Insert/Update/Delete statement
    return getattr(table, "name", None)


def watch_commits(sessions: async_sessionmaker, tables: Iterable[str], on_commit: Callable[[], None]) -> type[Session]:
    """Make `sessions` open sessions that call `on_commit()` after each commit that wrote to `tables`.
    Returns the session class (its events are this hook's alone: other services' sessions are untouched)."""
    watched = frozenset(tables)

    class WatchedSession(Session):
        pass

    @event.listens_for(WatchedSession, "before_flush")
    def _flush(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
        if any(_table_name(row) in watched for row in chain(session.new, session.dirty, session.deleted)):
            session.info[_MARK] = True

    @event.listens_for(WatchedSession, "do_orm_execute")
    def _statement(state: ORMExecuteState) -> None:
        if (state.is_insert or state.is_update or state.is_delete) and _table_name(state.statement) in watched:
            state.session.info[_MARK] = True

    @event.listens_for(WatchedSession, "after_commit")
    def _committed(session: Session) -> None:
        if session.info.pop(_MARK, False):
            on_commit()

    @event.listens_for(WatchedSession, "after_rollback")
    def _rolled_back(session: Session) -> None:
        session.info.pop(_MARK, None)

    sessions.configure(sync_session_class=WatchedSession)
    return WatchedSession
