"""Fraud events of the serving service (topic ai.v1; key = the order number, so one order's score and its
decisions stay in order on one partition).

- `fraud.scored`: an order was scored (model or rules), with its reasons and the model version; provisional while
  the checkout's card is not known yet.
- `fraud.decided`: the automatic decision taken on that score (approve / review / reject). Orders hold the order
  on review and cancel it on reject; payments hold capture and refund a rejected order.
- `fraud.review.decided`: the risk team's decision on an order in review (approve releases it, reject cancels it),
  with who decided, when, and their note (the audit trail is in serving's ai_fraud_decisions table too).
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import AI

Decision = Literal["approve", "review", "reject"]


class FraudScored(Payload):
    order_no: str = Field(alias="orderNo", max_length=64)
    user_id: str | None = Field(None, alias="userId", max_length=64)
    score: float = Field(ge=0.0, le=1.0)
    decision: Decision
    reasons: list[str] = Field(default_factory=list)
    model_version: str = Field(alias="modelVersion", max_length=120)
    strategy: Literal["model", "rules"]
    latency_ms: float | None = Field(None, alias="latencyMs", ge=0)
    scored_at: datetime = Field(alias="scoredAt")
    # True for the score at order.created while the card is not presented yet: the model was trained with the card
    # of the checkout, so the decision waits for it (the first payment attempt); no fraud.decided follows a
    # provisional score.
    provisional: bool = False


class FraudDecided(Payload):
    order_no: str = Field(alias="orderNo", max_length=64)
    user_id: str | None = Field(None, alias="userId", max_length=64)
    decision: Decision
    score: float = Field(ge=0.0, le=1.0)
    model_version: str = Field(alias="modelVersion", max_length=120)
    decided_at: datetime = Field(alias="decidedAt")
    # False in shadow mode (serving's FRAUD_MODE): scored and announced, but orders and payments do not act on it.
    enforced: bool = True


class FraudReviewDecided(Payload):
    order_no: str = Field(alias="orderNo", max_length=64)
    user_id: str | None = Field(None, alias="userId", max_length=64)
    decision: Literal["approve", "reject"]
    previous_decision: Decision = Field(alias="previousDecision")
    decided_by: str = Field(alias="decidedBy", max_length=64)
    note: str | None = Field(None, max_length=2000)
    decided_at: datetime = Field(alias="decidedAt")


CONTRACTS = [
    Contract("fraud.scored", 1, AI, FraudScored),
    Contract("fraud.decided", 1, AI, FraudDecided),
    Contract("fraud.review.decided", 1, AI, FraudReviewDecided),
]
