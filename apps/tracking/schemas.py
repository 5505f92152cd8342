"""`POST /v1/events/track`: a batch of storefront events for one session."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from kernel.api_model import CamelModel

TRACKED_TYPES = ("product.viewed", "search.performed", "recommendation.clicked", "cart.viewed")


class TrackedEvent(CamelModel):
    """One event: its type, optional client time, and the type's own fields (validated by its contract)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["product.viewed", "search.performed", "recommendation.clicked", "cart.viewed"]
    occurred_at: datetime | None = None

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class TrackIn(CamelModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    device_id: str | None = Field(None, max_length=64)
    events: list[TrackedEvent] = Field(min_length=1, max_length=100)


class TrackOut(CamelModel):
    accepted: int
