"""`POST /v1/events/track`: a batch of storefront events for one session."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TRACKED_TYPES = ("product.viewed", "search.performed", "recommendation.clicked", "cart.viewed")


class TrackedEvent(BaseModel):
    """One event: its type, optional client time, and the type's own fields (validated by its contract)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    type: Literal["product.viewed", "search.performed", "recommendation.clicked", "cart.viewed"]
    occurred_at: datetime | None = Field(None, alias="occurredAt")

    def fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class TrackIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    session_id: str = Field(alias="sessionId", min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    device_id: str | None = Field(None, alias="deviceId", max_length=64)
    events: list[TrackedEvent] = Field(min_length=1, max_length=100)


class TrackOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    accepted: int
