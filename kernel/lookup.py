"""Loading one row by its UUID for a use case or query: a malformed id is the same not-found as a missing row, and
it never reaches the database (PostgreSQL would refuse it as a uuid: a 500 in the making)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from kernel.errors import NotFound
from kernel.ids import is_uuid

T = TypeVar("T")


async def by_uuid(entity_id: str, load: Callable[[str], Awaitable[T | None]], not_found: type[NotFound],
                  what: str) -> T:
    """`load(entity_id)` when it is a UUID and finds a row; else `not_found("No <what> '<id>'.")`."""
    if is_uuid(entity_id):
        row = await load(entity_id)
        if row is not None:
            return row
    raise not_found(f"No {what} {entity_id[:64]!r}.")
