"""Wake an outbox relay when a unit of work commits outbox rows, instead of polling the table in a tight loop.

A relay subscribes with its outbox table (the same Table object the service's units of work write to); after a
commit with events, kernel.uow calls `outbox_committed(table)`, which sets every subscriber's asyncio.Event, on
the subscriber's own loop when the commit ran on another one (a thread).

Across processes (`mkt serve --workers N`: the web workers commit, one background process runs the relays), the
composition hands the workers the write end of a pipe (`send_wakeups_to`) and the background process its read end
(`receive_wakeups_from`): a commit writes its outbox's key (the service name) as one line, and the reader wakes
that service's relay. A write costs one syscall and never blocks: when the pipe is full the line is dropped, and
the relay's fallback poll (`OUTBOX_RELAY_POLL_SECONDS`) picks the rows up. Commits by other processes (scripts,
other deployments) wake nobody and wait for that poll too: a lost wake-up only delays an event, never loses it.
"""
from __future__ import annotations

import asyncio
import os

from sqlalchemy import Table

# wake key → the subscriptions on that outbox.
_SUBSCRIBERS: dict[str, set["Wakeup"]] = {}
_WAKE_KEY = "outbox_wake_key"
_pipe_out: int | None = None  # write end of the pipe to the process running the relays, if any


def name_outbox(outbox: Table, service: str) -> None:
    """Give a service's outbox a key other processes can name (the service's tables are built at import in each
    process, so their ids differ)."""
    outbox.info[_WAKE_KEY] = service


def _key(outbox: Table) -> str:
    # Unnamed (tests, scripts): the table object itself, which only this process can wake.
    return outbox.info.get(_WAKE_KEY) or f"table-{id(outbox)}"


class Wakeup:
    def __init__(self, outbox: Table) -> None:
        self.outbox, self.key = outbox, _key(outbox)
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        _SUBSCRIBERS.setdefault(self.key, set()).add(self)

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
        subs = _SUBSCRIBERS.get(self.key)
        if subs is not None:
            subs.discard(self)
            if not subs:
                del _SUBSCRIBERS[self.key]

    def _wake(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self.event.set()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.event.set)


def _wake_local(key: str) -> None:
    for sub in tuple(_SUBSCRIBERS.get(key, ())):
        sub._wake()


def outbox_committed(outbox: Table) -> None:
    """Called after a commit that wrote rows to `outbox`."""
    key = _key(outbox)
    _wake_local(key)
    if _pipe_out is not None and _WAKE_KEY in outbox.info:
        try:
            os.write(_pipe_out, key.encode() + b"\n")  # under PIPE_BUF: atomic among the writers
        except (BlockingIOError, BrokenPipeError):
            pass  # full, or the reader is gone: the fallback poll covers it


def send_wakeups_to(fd: int) -> None:
    """This process's commits also wake the relays of the process reading the other end of pipe `fd`."""
    global _pipe_out
    os.set_blocking(fd, False)
    _pipe_out = fd


def receive_wakeups_from(fd: int) -> None:
    """Wake this process's relays for the keys written into pipe `fd` (call on the running loop)."""
    os.set_blocking(fd, False)
    pending = bytearray()

    def readable() -> None:
        try:
            pending.extend(os.read(fd, 65_536))
        except BlockingIOError:
            return
        lines = pending.split(b"\n")
        pending[:] = lines.pop()  # an incomplete last line waits for its end
        for key in {bytes(line) for line in lines}:  # a burst of commits to one outbox wakes its relay once
            _wake_local(key.decode())

    asyncio.get_running_loop().add_reader(fd, readable)
