"""A service's periodic background work (sweepers): one loop shape, started and stopped with the app.

The tick returns how many things it handled; a failing tick (say, a database restart) is logged and retried on
the next one. Interval and on/off come from the service's settings (`sweep_interval_seconds`, `run_sweeper` by
default; other names for other loops). A loop with a batch size runs again at once after a full batch, so a
backlog drains without waiting an interval per batch.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from fastapi import FastAPI

log = structlog.get_logger("periodic")
Hook = Callable[[FastAPI], Awaitable[None]]


def periodic_hooks(name: str, tick: Callable[[FastAPI], Awaitable[int]], *, done: str | None = None,
                   interval_setting: str = "sweep_interval_seconds", enabled_setting: str = "run_sweeper",
                   batch_setting: str | None = None, task: str = "sweeper") -> tuple[Hook, Hook]:
    """(start, stop) lifespan hooks running `tick` every `settings.<interval_setting>` seconds while
    `settings.<enabled_setting>` is on; `done` names the log event of a tick that handled something."""

    async def run(app: FastAPI, stop: asyncio.Event) -> None:
        settings = app.state.settings
        while not stop.is_set():
            count = 0
            try:
                count = await tick(app)
                if count and done:
                    log.info(done, count=count)
            except Exception as exc:  # noqa: BLE001 - retried next tick
                log.warning(f"{name}.{task}.failed", error=f"{type(exc).__name__}: {exc}"[:300])
            if batch_setting is not None and count >= getattr(settings, batch_setting):
                await asyncio.sleep(0)  # a full batch: more may be waiting
                continue
            try:
                await asyncio.wait_for(stop.wait(), timeout=getattr(settings, interval_setting))
            except asyncio.TimeoutError:
                pass

    # app.state.<task> holds the running asyncio task (None when switched off), app.state.<task>_stop its stop event.
    async def start(app: FastAPI) -> None:
        stop_event = asyncio.Event()
        setattr(app.state, f"{task}_stop", stop_event)
        running = None
        # app.state.run_periodic: the process's role (kernel.service_app.Wiring); the setting: the service's own switch.
        if getattr(app.state, "run_periodic", True) and getattr(app.state.settings, enabled_setting):
            running = asyncio.create_task(run(app, stop_event), name=f"{name}-{task}")
        setattr(app.state, task, running)

    async def stop(app: FastAPI) -> None:
        getattr(app.state, f"{task}_stop").set()
        if (running := getattr(app.state, task)) is not None:
            await running

    return start, stop
