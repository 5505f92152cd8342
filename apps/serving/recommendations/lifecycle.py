"""Start-up and shut-down of the recommender: Redis cache, feature flags, the request log's flusher."""
from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI

from apps.serving.recommendations.cache import RecoCache
from apps.serving.recommendations.request_log import RequestLog
from apps.serving.recommendations.service import Recommendations
from kernel.flags import feature_flags_from


async def start_recommendations(app: FastAPI) -> None:
    settings = app.state.settings
    cache = RecoCache(settings.redis_url, ttl_seconds=settings.reco_cache_ttl_seconds)
    flags = feature_flags_from(settings)  # the admin sets reco_ab_test through /v1/admin/feature-flags
    log = RequestLog(app.state.db, app.state.outbox, flush_seconds=settings.reco_log_flush_seconds)
    app.state.recommendations = Recommendations(db=app.state.db, outbox=app.state.outbox,
                                                champions=app.state.champions, cache=cache,
                                                flags=flags, log=log)
    app.state.reco_log_stop = asyncio.Event()
    app.state.reco_log_task = asyncio.create_task(log.run(app.state.reco_log_stop))


async def stop_recommendations(app: FastAPI) -> None:
    app.state.reco_log_stop.set()
    with contextlib.suppress(asyncio.CancelledError):
        await app.state.reco_log_task
    await app.state.recommendations.log.flush()  # what the last tick did not take
    await app.state.recommendations.cache.close()
