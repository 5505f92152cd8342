"""`@use_case`: one use case = one unit of work = one commit (ARCHITECTURE §3), owned by the use case.

A router hands the use case a fresh unit of work and only translates HTTP; the use case opens the unit of work,
runs, and commits. An exception leaves the block without a commit, so neither state nor events stay behind.

Called with a unit of work that is already open (an event reaction, a seeding script, another use case) it joins
that transaction and leaves the commit to whoever opened it, so several steps still make one commit.
"""
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def use_case(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Decorate `async def f(*, uow, ...)` (or `f(uow, ...)`) so that it owns its transaction.

    `uow` is a kernel.uow.UnitOfWork or a stand-in with the same `open` flag (kernel.testing.FakeUnitOfWork)."""

    @functools.wraps(fn)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        uow = kwargs["uow"] if "uow" in kwargs else args[0]
        if not hasattr(uow, "open"):
            raise TypeError(f"{fn.__qualname__} needs its unit of work as `uow`")
        if uow.open:
            if getattr(uow, "reading_only", False):  # its statements would each commit on their own
                raise RuntimeError(f"{fn.__qualname__} cannot join a unit of work opened with reading()")
            return await fn(*args, **kwargs)
        async with uow:
            result = await fn(*args, **kwargs)
            await uow.commit()
        return result

    return run
