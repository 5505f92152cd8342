"""Events produced by the back office (topic backoffice.v1; key = the feature flag's key, so one flag's changes
stay in order).

`feature_flag.changed` is emitted in the same transaction as the audit row of an admin's change: `before` is the
exact flag the write replaced (null when the flag was created), `after` what was stored.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import BACKOFFICE


class FlagState(Payload):
    enabled: bool
    rollout_percent: int = Field(alias="rolloutPercent", ge=0, le=100)
    variants: dict[str, int] = Field(default_factory=dict)
    description: str = Field("", max_length=500)


class FeatureFlagChanged(Payload):
    key: str = Field(max_length=64)
    before: FlagState | None = None
    after: FlagState
    changed_by: str = Field(alias="changedBy", max_length=64)
    changed_at: datetime = Field(alias="changedAt")
    audit_id: str = Field(alias="auditId", max_length=64)


CONTRACTS: tuple[Contract, ...] = (
    Contract("feature_flag.changed", 1, BACKOFFICE, FeatureFlagChanged),
)
