"""Wake an outbox relay when a unit of work commits outbox rows, instead of polling the table in a tight loop.

A relay subscribes with its outbox table (the same Table object the service's units of work write to); after a
commit with events, kernel.uow calls `outbox_committed(table)`, which sets every subscriber's asyncio.Event, on
the subscriber's own loop when the commit ran on another one (a thread). Commits made by other processes (the web
workers of `mkt serve --workers`, scripts) wake nobody: the relay's fallback poll (`OUTBOX_RELAY_POLL_SECONDS`)
picks those up, so a lost or missing wake-up only delays an event, never loses it.
"""
from __future__ import annotations

import asyncio

from sqlalchemy import Table

# id(table) → the subscriptions on that table; each subscription keeps its table alive, so ids are not reused.
_SUBSCRIBERS: dict[int, set["Wakeup"]] = {}


class Wakeup:
    def __init__(self, outbox: Table) -> None:
        self.outbox = outbox
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        _SUBSCRIBERS.setdefault(id(outbox), set()).add(self)

    def clear(self) -> None:
        """Call before reading the outbox: a commit after this point wakes the next `wait`."""
        self.event.clear()

    async def wait(self, stop: asyncio.Event, timeout: float) -> None:
        """Until a commit wakes us, `stop` is set, or `timeout` seconds (the fallback poll) passed."""
        if self.event.is_set() or stop.is_set():
            return
        waiters = [asyncio.ensure_future(self.event.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()

    def close(self) -> None:
        subs = _SUBSCRIBERS.get(id(self.outbox))
        if subs is not None:
            subs.discard(self)
            if not subs:
                del _SUBSCRIBERS[id(self.outbox)]

    def _wake(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self.event.set()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.event.set)


def outbox_committed(outbox: Table) -> None:
    """Called after a commit that wrote rows to `outbox`."""
    for sub in tuple(_SUBSCRIBERS.get(id(outbox), ())):
        sub._wake()
