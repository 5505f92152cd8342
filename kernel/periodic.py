"""A service's periodic background work (sweepers): one loop shape, started and stopped with the app.

The tick returns how many things it handled; a failing tick (say, a database restart) is logged and retried on
the next one. Interval and on/off come from the service's settings (`sweep_interval_seconds`, `run_sweeper`).
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI

log = structlog.get_logger("periodic")
Hook = Callable[[FastAPI], Awaitable[None]]


def periodic_hooks(name: str, tick: Callable[[FastAPI], Awaitable[int]], *, done: str) -> tuple[Hook, Hook]:
    """(start, stop) lifespan hooks running `tick` every `sweep_interval_seconds`; `done` names the log event."""

    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if count := await tick(app):
                    log.info(done, count=count)
            except Exception as exc:  # noqa: BLE001 - retried next tick
                log.warning(f"{name}.sweeper.failed", error=f"{type(exc).__name__}: {exc}"[:300])
            try:
                await asyncio.wait_for(stop.wait(), timeout=app.state.settings.sweep_interval_seconds)
            except asyncio.TimeoutError:
                pass

    async def start(app: FastAPI) -> None:
        app.state.sweeper_stop = asyncio.Event()
        app.state.sweeper = None
        if app.state.settings.run_sweeper:
            app.state.sweeper = asyncio.create_task(run(app, app.state.sweeper_stop), name=f"{name}-sweeper")

    async def stop(app: FastAPI) -> None:
        app.state.sweeper_stop.set()
        if app.state.sweeper is not None:
            await app.state.sweeper

    return start, stop
