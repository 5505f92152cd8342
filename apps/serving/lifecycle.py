"""Start-up and shut-down of the serving service: the champion store and its poller; the recommender (Redis cache,
feature flags, the request log's flusher); the vendor insights' warehouse store."""
from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI

from apps.serving.cache import RecoCache
from apps.serving.champions import CHALLENGER, CHAMPION, ChampionStore
from apps.serving.request_log import RequestLog
from apps.serving.use_cases.recommend import Recommendations
from apps.serving.warehouse import VendorInsightsStore
from kernel.flags import feature_flags_from

# The kinds served online; forecasts and prices are served from the batch predictions in the warehouse.
ONLINE_KINDS = ("recommendations", "fraud")


async def start_champions(app: FastAPI) -> None:
    settings = app.state.settings
    store = ChampionStore(settings.mlflow_tracking_uri,
                          names={kind: settings.model_name(kind) for kind in ONLINE_KINDS},
                          aliases=(CHAMPION, CHALLENGER), poll_seconds=settings.model_poll_seconds)
    app.state.champions = store
    app.state.champions_stop = asyncio.Event()
    # The first refresh runs in the poller, not here: a slow or absent MLflow must not hold up the start of the
    # process (requests meanwhile take the fallback chain, and /readyz shows no version yet).
    app.state.champions_task = asyncio.create_task(store.run(app.state.champions_stop))


async def stop_champions(app: FastAPI) -> None:
    app.state.champions_stop.set()
    app.state.champions_task.cancel()  # a load in progress finishes in its thread; nobody waits for it
    with contextlib.suppress(asyncio.CancelledError):
        await app.state.champions_task
    app.state.champions.close()


async def models_status(app: FastAPI) -> dict:
    return app.state.champions.status()


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


async def start_vendor_insights(app: FastAPI) -> None:
    app.state.vendor_insights = VendorInsightsStore(app.state.settings)
    if getattr(app.state, "flags", None) is None:  # one flags store per process, whichever concern starts first
        app.state.flags = feature_flags_from(app.state.settings)
        app.state.vendor_insights_owns_flags = True


async def stop_vendor_insights(app: FastAPI) -> None:
    if getattr(app.state, "vendor_insights_owns_flags", False):
        await app.state.flags.close()
