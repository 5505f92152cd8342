"""The products collection behind its alias: its name, the collection the alias points at, and its creation at
start-up (with the synonym sets). Searches and document writes name the alias; a reindex with zero downtime
builds a new collection and moves the alias (use_cases/reindex.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from apps.search import synonyms
from apps.search.documents import collection_schema
from apps.search.engine import Engine
from apps.search.orm import SearchIndexState


def new_collection_name(alias: str) -> str:
    return f"{alias}_{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%f')}"


async def live_collection(engine: Engine, alias: str) -> str:
    """The collection the alias points at (synonym calls need the collection itself)."""
    target = await engine.alias_target(alias)
    if target is None:
        raise LookupError(f"alias {alias!r} points nowhere: start the search service or run `mkt search reindex`")
    return target


async def ensure(sessions: async_sessionmaker[AsyncSession], engine: Engine, alias: str) -> str:
    """Create the collection and alias if missing, seed and apply the synonyms; returns the live collection."""
    async with sessions() as session:
        await synonyms.seed(session)
        await session.commit()
        target = await engine.alias_target(alias)
        if target is None:
            target = new_collection_name(alias)
            await engine.create_collection(collection_schema(target))
            await engine.point_alias(alias, target)
            # Every projected product goes into the new, empty collection.
            await session.execute(delete(SearchIndexState).where(SearchIndexState.alias == alias))
            await session.commit()
        await synonyms.apply_all(session, engine, target)
        return target
