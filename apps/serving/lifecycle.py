"""Start-up and shut-down of the serving service: the champion store and its poller."""
from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI

from apps.serving.champions import CHALLENGER, CHAMPION, ChampionStore

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
