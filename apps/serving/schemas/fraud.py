"""The fraud HTTP contract (API.md § Search & AI): POST /v1/ai/fraud/evaluate, the risk team's queue and decision.
Fields of API.md are kept as named; the rest are additions."""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from apps.serving.domain.fraud import KNOWN_FEATURES
from kernel.api_model import ApiModel
from kernel.paging import Page


class EvaluateIn(ApiModel):
    """Either an order already seen by serving ({orderNo}) or the order's features themselves."""

    order_no: str | None = Field(None, min_length=1, max_length=64)
    features: dict[str, float | None] | None = Field(None, max_length=len(KNOWN_FEATURES))

    @field_validator("features")
    @classmethod
    def _known(cls, value: dict[str, float | None] | None) -> dict[str, float | None] | None:
        if value is None:
            return None
        unknown = sorted(set(value) - KNOWN_FEATURES)
        if unknown:
            raise ValueError(f"unknown features: {', '.join(unknown)[:300]}; known: {', '.join(sorted(KNOWN_FEATURES))}")
        if any(v is not None and not math.isfinite(v) for v in value.values()):
            raise ValueError("feature values must be finite numbers or null")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> "EvaluateIn":
        if (self.order_no is None) == (self.features is None):
            raise ValueError("give either orderNo or features, not both and not neither")
        return self


class EvaluateOut(ApiModel):
    score: float = Field(ge=0.0, le=1.0)
    reasons: list[str]
    model_version: str
    decision: Literal["approve", "review", "reject"]
    strategy: Literal["model", "rules"]
    thresholds: dict[str, float]
    order_no: str | None = None
    features: dict[str, float | None]
    latency_ms: float


class LinkedAccountOut(ApiModel):
    user_id: str
    shared: list[Literal["device", "card", "address"]]
    order_nos: list[str]


class QueueItemOut(ApiModel):
    order_no: str
    score: float
    decision: Literal["approve", "review", "reject"]
    reasons: list[str]
    model_version: str
    strategy: str
    scored_at: datetime
    review_status: Literal["pending", "decided"] | None
    final_decision: Literal["approve", "reject"] | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    order: dict[str, Any] | None
    linked_accounts: list[LinkedAccountOut]


class QueueOut(Page[QueueItemOut]):
    pass


class DecisionIn(ApiModel):
    decision: Literal["approve", "reject"]
    note: str | None = Field(None, max_length=2000)

    @field_validator("note")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("note must not contain NUL bytes")
        return value or None


class AuditOut(ApiModel):
    decision: str
    previous_decision: str | None
    actor: str
    note: str | None
    score: float | None
    decided_at: datetime


class ReviewOut(QueueItemOut):
    """One scored order for the risk console: the queue's fields plus its audit trail (every decision, oldest
    first) and whether it is still provisional (scored before the checkout's card was known)."""

    provisional: bool
    audit: list[AuditOut]


class DecisionOut(ApiModel):
    order_no: str
    decision: Literal["approve", "reject"]
    previous_decision: str
    decided_by: str
    decided_at: datetime
    note: str | None
    audit: list[AuditOut]
