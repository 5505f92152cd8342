"""kernel.use_case: the use case owns its commit, rolls back on failure, and joins a unit of work already open."""
from __future__ import annotations

from typing import Any

import pytest

from kernel.uow import UnitOfWork
from kernel.use_case import use_case


class RecordingUow(UnitOfWork):
    """Counts blocks and commits; no database behind it."""

    def __init__(self) -> None:
        self.open, self.opened, self.commits, self.closed_uncommitted = False, 0, 0, 0
        self._dirty = False

    async def __aenter__(self) -> "RecordingUow":
        self.open, self._dirty = True, False
        self.opened += 1
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.closed_uncommitted += self._dirty
        self.open = False

    async def commit(self) -> None:
        self.commits += 1
        self._dirty = False


@use_case
async def rename(*, uow: RecordingUow, name: str) -> str:
    uow._dirty = True
    if not name:
        raise ValueError("empty name")
    return name.title()


@use_case
async def rename_twice(uow: RecordingUow, first: str, second: str) -> list[str]:
    return [await rename(uow=uow, name=first), await rename(uow=uow, name=second)]


async def test_a_fresh_unit_of_work_is_opened_and_committed_once():
    uow = RecordingUow()
    assert await rename(uow=uow, name="ada") == "Ada"
    assert (uow.opened, uow.commits, uow.open) == (1, 1, False)


async def test_a_failing_use_case_leaves_without_commit():
    uow = RecordingUow()
    with pytest.raises(ValueError):
        await rename(uow=uow, name="")
    assert (uow.opened, uow.commits, uow.closed_uncommitted) == (1, 0, 1)


async def test_inside_an_open_unit_of_work_it_joins_and_leaves_the_commit_to_the_owner():
    uow = RecordingUow()
    async with uow:
        assert await rename(uow=uow, name="ada") == "Ada"
        assert uow.commits == 0
    assert uow.opened == 1


async def test_use_cases_compose_into_one_commit():
    uow = RecordingUow()
    assert await rename_twice(uow, "a", "b") == ["A", "B"]  # positional uow works too
    assert (uow.opened, uow.commits) == (1, 1)


async def test_without_a_unit_of_work_it_says_so():
    with pytest.raises(TypeError, match="unit of work"):
        await rename(uow=object(), name="x")  # type: ignore[arg-type]
