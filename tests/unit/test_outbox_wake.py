"""kernel.outbox_wake: a commit with outbox rows wakes the relay's wait at once; otherwise it waits for its
fallback poll or stop. (The relay itself over PostgreSQL and the broker: tests/integration/test_outbox_relay.py.)"""
from __future__ import annotations

import asyncio
import threading

from sqlalchemy import MetaData

from kernel.outbox import outbox_table
from kernel.outbox_wake import Wakeup, outbox_committed


async def test_commit_wakes_the_waiting_relay_before_its_poll_interval():
    outbox, other = outbox_table(MetaData()), outbox_table(MetaData())
    wake, stop = Wakeup(outbox), asyncio.Event()
    try:
        wake.clear()
        waiting = asyncio.create_task(wake.wait(stop, timeout=30))
        await asyncio.sleep(0.05)
        outbox_committed(other)  # another service's outbox: no wake-up
        await asyncio.sleep(0.05)
        assert not waiting.done()
        outbox_committed(outbox)
        await asyncio.wait_for(waiting, timeout=1)
    finally:
        wake.close()


async def test_a_commit_between_clear_and_wait_is_not_lost():
    outbox = outbox_table(MetaData())
    wake, stop = Wakeup(outbox), asyncio.Event()
    try:
        wake.clear()
        outbox_committed(outbox)  # lands while the relay is still reading the table
        await asyncio.wait_for(wake.wait(stop, timeout=30), timeout=1)
    finally:
        wake.close()


async def test_commit_on_another_thread_wakes_the_relay_loop():
    outbox = outbox_table(MetaData())
    wake, stop = Wakeup(outbox), asyncio.Event()
    try:
        wake.clear()
        waiting = asyncio.create_task(wake.wait(stop, timeout=30))
        await asyncio.sleep(0.05)
        threading.Thread(target=outbox_committed, args=(outbox,)).start()
        await asyncio.wait_for(waiting, timeout=1)
    finally:
        wake.close()


async def test_without_a_commit_the_wait_ends_at_the_fallback_poll_or_stop():
    outbox = outbox_table(MetaData())
    wake, stop = Wakeup(outbox), asyncio.Event()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await wake.wait(stop, timeout=0.2)
        assert 0.15 <= loop.time() - started < 2
        waiting = asyncio.create_task(wake.wait(stop, timeout=30))
        stop.set()
        await asyncio.wait_for(waiting, timeout=1)
    finally:
        wake.close()


async def test_a_commit_in_another_process_wakes_the_relay_through_the_pipe():
    """`mkt serve --workers N`: a web worker commits, the background process's relay wakes (no poll needed)."""
    import multiprocessing
    import os

    from kernel.outbox_wake import name_outbox, receive_wakeups_from

    outbox, other = outbox_table(MetaData()), outbox_table(MetaData())
    name_outbox(outbox, "orders")
    name_outbox(other, "cart")
    wake_in, wake_out = os.pipe()
    receive_wakeups_from(wake_in)
    wake, stop = Wakeup(outbox), asyncio.Event()
    try:
        wake.clear()
        waiting = asyncio.create_task(wake.wait(stop, timeout=30))

        def commit_in_child(table) -> None:
            from kernel.outbox_wake import send_wakeups_to

            send_wakeups_to(wake_out)
            outbox_committed(table)

        fork = multiprocessing.get_context("fork")
        child = fork.Process(target=commit_in_child, args=(other,))  # another service's outbox: no wake-up
        child.start()
        await asyncio.to_thread(child.join, 30)
        await asyncio.sleep(0.1)
        assert not waiting.done()
        child = fork.Process(target=commit_in_child, args=(outbox,))
        child.start()
        await asyncio.wait_for(waiting, timeout=5)
        await asyncio.to_thread(child.join, 30)
    finally:
        wake.close()
        asyncio.get_running_loop().remove_reader(wake_in)
        os.close(wake_in)
        os.close(wake_out)
