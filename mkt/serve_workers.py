"""`mkt serve --workers N`: N web worker processes on one port plus one background process.

Each web worker binds the same address with SO_REUSEPORT, so the kernel spreads connections over them, and runs
the gateway with its services but none of the background loops. One background process runs those loops once for
the whole deployment (outbox relays, event consumers, sweepers): they are idempotent, but N copies would only poll
N times as often — at idle the loops of 16 services cost a tenth of a core per process, and under load the relays'
polling was close to half of the event loop's time (benchmarks/purchase_flow.py, py-spy).

The web workers' commits wake the background process's relays through a pipe (kernel/outbox_wake.py), so events
leave within a few milliseconds without the relays polling their tables several times a second.

The children are forked after the parent imported the composition root (importing every service takes seconds;
no thread runs yet at that point, so forking is safe). If any child dies the others are stopped and the parent
exits non-zero, so whoever supervises `mkt serve` sees the failure.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
from collections.abc import Collection

import uvicorn
import uvloop
from starlette.types import ASGIApp

from kernel import heap
from kernel.outbox_wake import receive_wakeups_from, send_wakeups_to
from mkt.composition import build_all_in_one

_fork = multiprocessing.get_context("fork")


def default_workers() -> int:
    """One web worker per core."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class _Server(uvicorn.Server):
    async def startup(self, sockets=None) -> None:  # type: ignore[no-untyped-def]
        await super().startup(sockets=sockets)
        heap.freeze()  # the app's start-up (pools, models, caches) is done: keep the collector off it


def serve_app(app: ASGIApp, *, host: str, port: int, sockets: list[socket.socket] | None = None) -> None:
    """uvicorn, as every `mkt serve` process runs it."""
    _Server(uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False)).run(sockets=sockets)


def _web_worker(host: str, port: int, hosted: Collection[str] | None, wake_out: int) -> None:
    send_wakeups_to(wake_out)
    app = build_all_in_one(run_relay=False, run_consumers=False, run_periodic=False, hosted=hosted)
    serve_app(app, host=host, port=port, sockets=[_reuse_port_socket(host, port)])


async def _run_background(hosted: Collection[str] | None, wake_in: int) -> None:
    app = build_all_in_one(hosted=hosted)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    receive_wakeups_from(wake_in)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with app.router.lifespan_context(app):
        heap.freeze()
        await stop.wait()


def _background(hosted: Collection[str] | None, wake_in: int) -> None:
    # The same event loop as the web workers (uvicorn[standard] brings uvloop): relays and consumers are loop-bound.
    uvloop.run(_run_background(hosted, wake_in))


def run_workers(*, host: str, port: int, workers: int, hosted: Collection[str] | None) -> None:
    wake_in, wake_out = os.pipe()  # web workers → the relays in the background process
    children = [_fork.Process(target=_background, args=(hosted, wake_in), name="mkt-background")]
    children += [_fork.Process(target=_web_worker, args=(host, port, hosted, wake_out), name=f"mkt-web-{i}")
                 for i in range(workers)]
    stopping = False

    def stop_all(*_args) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            if child.is_alive():
                child.terminate()

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    heap.freeze()  # what the parent imported stays shared with the children, untouched by their collections
    for child in children:
        child.start()
    # Wait for the first child to end; then stop the rest (a worker dying is the deployment failing).
    multiprocessing.connection.wait([c.sentinel for c in children])
    failed = not stopping
    stop_all()
    for child in children:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    if failed:
        print("mkt serve: a worker process exited; stopped the others", file=sys.stderr)
        sys.exit(1)
