"""Rebuild the index with zero downtime: a new collection `<alias>_<utc time>` built from the projections (with
the synonym sets), the alias pointed at it in one call, the old collection deleted. Products changed while it was
building stay pending (their version is ahead of the one built), so the sync loop writes them through the alias.

Not one unit of work on purpose: each batch commits the embeddings it computed (kept for the next reindex), and
the build must not hold a transaction open for minutes (`mkt search reindex`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from apps.search import synonyms
from apps.search.collections import new_collection_name
from apps.search.config import RelevanceWeights
from apps.search.documents import collection_schema
from apps.search.embeddings import Embedder
from apps.search.engine import Engine
from apps.search.indexer import build, embed_missing, gather, mark_pushed
from apps.search.orm import SearchIndexState, SearchProduct


@dataclass
class ReindexReport:
    collection: str
    previous: str | None
    documents: int
    removed: int
    requeued: int
    seconds: float


async def reindex(sessions: async_sessionmaker[AsyncSession], engine: Engine, *, alias: str,
                  weights: RelevanceWeights, embedder: Embedder | None, batch_size: int = 500,
                  keep_old: bool = False) -> ReindexReport:
    started = datetime.now(timezone.utc)
    name = new_collection_name(alias)
    await engine.create_collection(collection_schema(name))
    built: dict[str, int] = {}
    documents = removed = 0
    try:
        async with sessions() as session:
            await synonyms.seed(session)
            await session.commit()
            await synonyms.apply_all(session, engine, name)
            last = ""
            while True:
                products = (await session.scalars(select(SearchProduct).where(SearchProduct.product_id > last)
                                                  .order_by(SearchProduct.product_id).limit(batch_size))).all()
                if not products:
                    break
                facts = await gather(session, products)
                await embed_missing(embedder, products, facts)
                await session.commit()  # keep the embeddings for the next reindex
                batch = build(products, facts, weights)
                await engine.import_documents(name, batch.upserts)
                documents += len(batch.upserts)
                removed += len(batch.deletes)
                built.update(batch.versions)
                last = products[-1].product_id
    except BaseException:
        await engine.drop_collection(name)
        raise
    previous = await engine.alias_target(alias)
    await engine.point_alias(alias, name)
    requeued = await _record_built(sessions, alias, built)
    if previous and previous != name and not keep_old:
        await engine.drop_collection(previous)
    return ReindexReport(name, previous, documents, removed, requeued,
                         (datetime.now(timezone.utc) - started).total_seconds())


async def _record_built(sessions: async_sessionmaker[AsyncSession], alias: str, built: dict[str, int]) -> int:
    """The alias now holds the versions just built; rows that moved on meanwhile stay pending for the sync loop.
    Returns how many are pending."""
    async with sessions() as session:
        await session.execute(delete(SearchIndexState).where(SearchIndexState.alias == alias))
        await mark_pushed(session, alias, built)
        await session.commit()
        rows = (await session.execute(select(SearchProduct.product_id, SearchProduct.index_version))).all()
        return sum(1 for pid, version in rows if built.get(pid) != version)
