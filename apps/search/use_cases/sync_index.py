"""The sync loop's tick: index the products that changed, drop the ones no longer listed.

Products whose `index_version` is ahead of what this alias was last given (search_index_state) are upserted, or
deleted when no longer listed; the version pushed is recorded, so a change that lands meanwhile leaves the product
pending for the next tick. It works on a session, not through `kernel.use_case`: the commit comes after the push to
Typesense, and the steps are SQL through and through (shown by tests/integration/test_search_api.py).
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from apps.search.config import RelevanceWeights
from apps.search.embeddings import Embedder
from apps.search.engine import Engine
from apps.search.indexer import build, embed_missing, gather, mark_pushed, push
from apps.search.orm import SearchIndexState, SearchProduct


async def sync_pending(session: AsyncSession, *, engine: Engine, collection: str, embedder: Embedder | None,
                       weights: RelevanceWeights, limit: int) -> int:
    """One tick of the sync loop for the alias `collection`; returns how many products it pushed. Commits."""
    state = SearchIndexState
    products = (await session.scalars(
        select(SearchProduct).outerjoin(state, and_(state.product_id == SearchProduct.product_id,
                                                    state.alias == collection))
        .where(or_(state.indexed_version.is_(None), state.indexed_version < SearchProduct.index_version))
        .order_by(SearchProduct.product_id).limit(limit))).all()
    if not products:
        return 0
    facts = await gather(session, products)
    await embed_missing(embedder, products, facts)
    await session.flush()
    batch = build(products, facts, weights)
    await push(engine, collection, batch)
    await mark_pushed(session, collection, batch.versions)
    await session.commit()
    return len(products)
