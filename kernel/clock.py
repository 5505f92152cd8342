"""The one clock: timezone-aware UTC now (never naive datetimes, never `datetime.utcnow()`)."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
