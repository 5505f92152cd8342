"""Counting database round-trips per request, for benchmarks (dev/test only, off by default).

With COUNT_DB_ROUNDTRIPS=true and ENV=dev|test, every engine built by kernel.db counts what it sends to PostgreSQL
(BEGIN, statements, COMMIT/ROLLBACK and pre-ping checks) into the counter of the request being served, and the
outermost RequestContextMiddleware answers it in `X-DB-Roundtrips`. In one process the gateway's middleware owns
the counter, so a public request's figure includes every in-process service it reached; deployed apart, each
service adds its own header and the gateway passes it on (a client sums them).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

HEADER = b"x-db-roundtrips"
_counter: ContextVar[list[int] | None] = ContextVar("db_roundtrips", default=None)


class RoundTripSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    env: Literal["dev", "test", "staging", "prod"] = Field("dev", validation_alias=AliasChoices("ENV"))
    count_db_roundtrips: bool = Field(False, validation_alias=AliasChoices("COUNT_DB_ROUNDTRIPS"))


@lru_cache
def enabled() -> bool:
    settings = RoundTripSettings()
    return settings.count_db_roundtrips and settings.env in ("dev", "test")


def _hit(*_args, **_kwargs) -> None:
    if (counter := _counter.get()) is not None:
        counter[0] += 1


def _hit_transaction(conn, *_args, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    # An autocommit connection (UnitOfWork.reading) sends no BEGIN, COMMIT or ROLLBACK: nothing to count.
    if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        _hit()


def count_one() -> None:
    """One round-trip made outside the engine's statement events (kernel.db's ping of an idle connection)."""
    if enabled():
        _hit()


def watch(engine: AsyncEngine, *, pre_ping: bool) -> None:
    """Count this engine's round-trips into the current request's counter (when enabled)."""
    if not enabled():
        return
    sync = engine.sync_engine
    event.listen(sync, "before_cursor_execute", _hit)
    for name in ("begin", "commit", "rollback"):
        event.listen(sync, name, _hit_transaction)
    if pre_ping:  # every checkout pings the server first
        event.listen(sync.pool, "checkout", _hit)


@contextmanager
def counting() -> Iterator[list[int] | None]:
    """A fresh counter for this request, or None when counting is off or an outer request already counts."""
    if not enabled() or _counter.get() is not None:
        yield None
        return
    counter = [0]
    token = _counter.set(counter)
    try:
        yield counter
    finally:
        _counter.reset(token)
