"""UUIDv7 ids: time-ordered, so primary keys and event ids index well and sort by creation."""
from __future__ import annotations

import uuid

from uuid6 import uuid7 as _uuid7


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=_uuid7().bytes)


def new_id_str() -> str:
    return str(new_id())


def is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return False
    return True
