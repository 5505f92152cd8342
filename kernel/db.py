"""Per-service database access: one async engine per service database, created at startup, never at import."""
from __future__ import annotations

import time
from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from kernel import roundtrips

# Stable constraint names make Alembic migrations reproducible across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class ServiceBase(DeclarativeBase):
    """Each service declares `class Base(ServiceBase): metadata = new_metadata()` for its own database."""

    __abstract__ = True


class PoolSettings(BaseSettings):
    """Connections per service database per process. A service's web process keeps DB_POOL_SIZE open and opens up
    to DB_MAX_OVERFLOW more under bursts; a request waits at most DB_POOL_TIMEOUT_SECONDS for one. Size for the
    deployment: processes x services x (size + overflow) must stay under PostgreSQL's max_connections (500 in
    the local stack); 32 concurrent logins queued past 30 s on 5 + 5 on a busy 2-core machine."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    pool_size: int = Field(5, ge=1, le=100, validation_alias=AliasChoices("DB_POOL_SIZE"))
    max_overflow: int = Field(10, ge=0, le=200, validation_alias=AliasChoices("DB_MAX_OVERFLOW"))
    pool_timeout_seconds: float = Field(30.0, gt=0, validation_alias=AliasChoices("DB_POOL_TIMEOUT_SECONDS"))
    # A pooled connection idle longer than this is pinged before use (0: before every use, SQLAlchemy's
    # pool_pre_ping). Pinging every checkout cost one round-trip per transaction — a sixth of checkout's — for
    # connections used milliseconds ago; one that went stale in between fails its statement once, which
    # invalidates the whole pool (503 for that request, problem+json; tests/faults/test_postgres_restart.py).
    pre_ping_idle_seconds: float = Field(5.0, ge=0, validation_alias=AliasChoices("DB_PRE_PING_IDLE_SECONDS"))


@lru_cache
def pool_settings() -> PoolSettings:
    return PoolSettings()


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only if it sat idle `idle_seconds`; a failed ping makes the pool drop it
    and hand out another (DisconnectionError from a checkout listener, as SQLAlchemy's own pre-ping does)."""
    sync = engine.sync_engine

    @event.listens_for(sync.pool, "checkin")
    def _idle_from(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # just connected, or used moments ago
        roundtrips.count_one()
        try:
            sync.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"stale pooled connection: {exc}") from exc


class Database:
    """Owns a service's engine and session factory for the lifetime of the app."""

    def __init__(self, url: str, *, pool_size: int | None = None, echo: bool = False) -> None:
        """`pool_size` given (CLI tools): that many connections and as many more under bursts; else PoolSettings."""
        self.url = url
        pool = pool_settings()
        size = pool.pool_size if pool_size is None else pool_size
        overflow = pool.max_overflow if pool_size is None else pool_size
        self.engine: AsyncEngine = create_async_engine(
            url, pool_size=size, max_overflow=overflow, pool_timeout=pool.pool_timeout_seconds,
            pool_pre_ping=pool.pre_ping_idle_seconds == 0, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, class_=AsyncSession)
        roundtrips.watch(self.engine, pre_ping=pool.pre_ping_idle_seconds == 0)
        if pool.pre_ping_idle_seconds > 0:
            _ping_when_idle(self.engine, pool.pre_ping_idle_seconds)

    async def ping(self) -> bool:
        from sqlalchemy import text

        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


def sync_url(url: str) -> str:
    """Alembic and CLI tools use the same psycopg 3 driver synchronously."""
    return url.replace("+asyncpg", "+psycopg")
