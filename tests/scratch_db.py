"""A throwaway PostgreSQL database on the local stack's server, for tests of kernel pieces that need their own
tables (an outbox, an idempotency table) without touching a service's database."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import MetaData

from kernel.db import Database
from kernel.migrations import drop_database, ensure_database
from kernel.settings import common_settings


@asynccontextmanager
async def scratch_database(prefix: str, metadata: MetaData, *, pool_size: int = 4) -> AsyncIterator[Database]:
    """A new database named `prefix_<random>` holding `metadata`'s tables; dropped afterwards."""
    server = common_settings().database_url
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    ensure_database(server, name)
    database = Database(f"{server.rstrip('/')}/{name}", pool_size=pool_size)
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        yield database
    finally:
        await database.dispose()
        drop_database(server, name)
