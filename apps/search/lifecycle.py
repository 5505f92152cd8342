"""Start-up and shut-down of the search service: the Typesense client, the embedder and its query cache, and the
sync loop that creates the collection when it can and pushes changed products to it."""
from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
import structlog
from fastapi import FastAPI

from apps.search import collections
from apps.search.embeddings import Embedder, QueryVectors
from apps.search.engine import Engine
from apps.search.queries import SearchDeps
from apps.search.use_cases.sync_index import sync_pending
from kernel.periodic import periodic_hooks

log = structlog.get_logger("search.lifecycle")


async def start_search(app: FastAPI) -> None:
    settings = app.state.settings
    engine = Engine(settings.typesense_url, settings.typesense_api_key, timeout=settings.typesense_timeout_seconds)
    redis = aioredis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5) \
        if settings.embedding_cache_redis else None
    embedder = Embedder(threads=settings.embedding_threads) if settings.semantic_enabled else None
    vectors = QueryVectors(embedder, size=settings.embedding_cache_size, redis=redis,
                           ttl_seconds=settings.embedding_cache_ttl_seconds) if embedder else None
    app.state.engine, app.state.embedder, app.state.redis = engine, embedder, redis
    app.state.collection_ready = False
    app.state.search = SearchDeps(settings=settings, engine=engine, vectors=vectors,
                                  publisher=app.state.publisher, background=set())
    try:  # the index exists before the first request when Typesense answers now; otherwise the sync loop makes it
        await asyncio.wait_for(collections.ensure(app.state.db.sessions, engine, settings.collection_alias), 10)
        app.state.collection_ready = True
    except Exception as exc:  # noqa: BLE001 - Typesense down at start-up must not stop the service
        log.warning("search.collection_not_ready", error=f"{type(exc).__name__}: {exc}"[:300])


async def sync_tick(app: FastAPI) -> int:
    """Create the collection once Typesense answers, then push pending products (a batch per tick)."""
    settings = app.state.settings
    if not app.state.collection_ready:
        await collections.ensure(app.state.db.sessions, app.state.engine, settings.collection_alias)
        app.state.collection_ready = True
    pushed = 0
    for _ in range(10):  # up to ten batches per tick, so a burst (a world being seeded) drains quickly
        async with app.state.db.sessions() as session:
            count = await sync_pending(session, engine=app.state.engine, collection=settings.collection_alias,
                                       embedder=app.state.embedder, weights=settings.relevance_weights,
                                       limit=settings.sync_batch_size)
        pushed += count
        if count < settings.sync_batch_size:
            break
    return pushed


start_sync, stop_sync = periodic_hooks("search", sync_tick, done="search.index_synced")


async def stop_search(app: FastAPI) -> None:
    background = list(app.state.search.background)
    if background:
        await asyncio.wait(background, timeout=3)
    await app.state.engine.close()
    if app.state.redis is not None:
        await app.state.redis.aclose()


async def engine_ready(app: FastAPI) -> dict:
    ok = await app.state.engine.healthy()
    if not ok:
        raise RuntimeError("typesense is not healthy")
    return {"alias": app.state.settings.collection_alias, "collectionReady": app.state.collection_ready}
