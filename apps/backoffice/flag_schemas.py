"""HTTP contract of the feature-flag admin API (camelCase on the wire)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kernel.flags import Flag


class FlagIn(BaseModel):
    """PUT body: the whole flag (PUT replaces; the key comes from the path)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    enabled: bool
    rollout_percent: int = Field(100, alias="rolloutPercent", ge=0, le=100)
    variants: dict[str, int] = Field(default_factory=dict, max_length=20)
    description: str = Field("", max_length=500)


class FlagOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    key: str
    enabled: bool
    rollout_percent: int = Field(alias="rolloutPercent")
    variants: dict[str, int]
    description: str
    updated_by: str | None = Field(None, alias="updatedBy")
    updated_at: datetime | None = Field(None, alias="updatedAt")

    @classmethod
    def of(cls, flag: Flag) -> "FlagOut":
        return cls(key=flag.key, enabled=flag.enabled, rolloutPercent=flag.rollout_percent,
                   variants=dict(flag.variants), description=flag.description, updatedBy=flag.updated_by,
                   updatedAt=flag.updated_at)


class FlagList(BaseModel):
    items: list[FlagOut]


class AuditOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    key: str
    changed_by: str = Field(alias="changedBy")
    changed_at: datetime = Field(alias="changedAt")
    before: dict[str, Any] | None
    after: dict[str, Any]
    request_id: str | None = Field(None, alias="requestId")


class AuditList(BaseModel):
    items: list[AuditOut]
