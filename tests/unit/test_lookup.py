"""kernel.lookup.by_uuid: a malformed id never reaches the loader and is the same not-found as a missing row."""
from __future__ import annotations

import pytest

from kernel.errors import NotFound
from kernel.lookup import by_uuid

ID = "0190a000-0000-7000-8000-0000000000aa"


class WidgetNotFound(NotFound):
    pass


async def test_a_found_row_is_returned_and_a_missing_or_malformed_id_is_not_found():
    asked: list[str] = []

    async def load(i: str):
        asked.append(i)
        return {"id": i} if i == ID else None

    assert await by_uuid(ID, load, WidgetNotFound, "widget") == {"id": ID}
    with pytest.raises(WidgetNotFound, match="No widget"):
        await by_uuid(ID.replace("aa", "bb"), load, WidgetNotFound, "widget")
    with pytest.raises(WidgetNotFound) as raised:
        await by_uuid("x" * 300 + "\x00", load, WidgetNotFound, "widget")
    assert len(str(raised.value)) < 120 and asked == [ID, ID.replace("aa", "bb")]  # never asked for the bad one
