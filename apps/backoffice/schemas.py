"""HTTP contract of the feature-flag admin API (camelCase on the wire)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from kernel.api_model import CamelModel
from kernel.flags import Flag


class FlagIn(CamelModel):
    """PUT body: the whole flag (PUT replaces; the key comes from the path)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool
    rollout_percent: int = Field(100, ge=0, le=100)
    variants: dict[str, int] = Field(default_factory=dict, max_length=20)
    description: str = Field("", max_length=500)


class FlagOut(CamelModel):
    key: str
    enabled: bool
    rollout_percent: int
    variants: dict[str, int]
    description: str
    updated_by: str | None = None
    updated_at: datetime | None = None

    @classmethod
    def of(cls, flag: Flag) -> "FlagOut":
        return cls(key=flag.key, enabled=flag.enabled, rolloutPercent=flag.rollout_percent,
                   variants=dict(flag.variants), description=flag.description, updatedBy=flag.updated_by,
                   updatedAt=flag.updated_at)


class FlagList(CamelModel):
    items: list[FlagOut]


class AuditOut(CamelModel):
    id: str
    key: str
    changed_by: str
    changed_at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any]
    request_id: str | None = None


class AuditList(CamelModel):
    items: list[AuditOut]
