"""Fraud tables of the serving database (migration 0003): the projections scoring reads (orders as placed, with
their device, IP, card and address; accounts with their creation time), the scores, and the audit of decisions.

"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from apps.serving.orm import Base
from kernel.ids import new_id_str


class FraudOrder(Base):
    """An order as fraud sees it: from order.created (device, IP, address), payment events (the card)."""

    __tablename__ = "ai_fraud_orders"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    device_id: Mapped[str | None] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    ip_country: Mapped[str | None] = mapped_column(String(2))
    ship_country: Mapped[str | None] = mapped_column(String(2))
    address_key: Mapped[str | None] = mapped_column(String(80), index=True)  # "<country>|<POSTAL CODE>"
    card_fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)
    card_country: Mapped[str | None] = mapped_column(String(2))
    total_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    item_count: Mapped[int] = mapped_column(Integer)
    items: Mapped[list] = mapped_column(JSONB, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FraudAccount(Base):
    """When an account was created (user.created): account age is among the strongest signals."""

    __tablename__ = "ai_fraud_accounts"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FraudPendingPayment(Base):
    """What a payment event said about an order serving has not seen yet: topics are ordered per topic only, so
    payments.v1 may deliver an order's card (or its capture) before orders.v1 delivers order.created."""

    __tablename__ = "ai_fraud_pending_payments"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    card_fingerprint: Mapped[str | None] = mapped_column(String(64))
    card_country: Mapped[str | None] = mapped_column(String(2))
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FraudScore(Base):
    """The score of an order, its reasons and the model that gave it; then the risk team's verdict, if any.

    review_status: "pending" while a review decision waits for the risk team, "decided" once they acted, None
    for orders the model approved or rejected by itself."""

    __tablename__ = "ai_fraud_scores"

    order_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    score: Mapped[float] = mapped_column(Float)
    decision: Mapped[str] = mapped_column(String(8))  # the automatic decision: approve | review | reject
    reasons: Mapped[list] = mapped_column(JSONB, default=list)
    model_version: Mapped[str] = mapped_column(String(120))
    strategy: Mapped[str] = mapped_column(String(8))  # model | rules
    features: Mapped[dict] = mapped_column(JSONB, default=dict)
    latency_ms: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rescored: Mapped[int] = mapped_column(Integer, default=0)  # times scored again (the card became known)
    # Scored at order.created without the checkout's card: no decision yet (it comes with the first payment attempt).
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    review_status: Mapped[str | None] = mapped_column(String(8), index=True)
    final_decision: Mapped[str | None] = mapped_column(String(8))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class FraudDecisionLog(Base):
    """The audit trail: every decision on an order, automatic ("model:<version>") or by a person (their id)."""

    __tablename__ = "ai_fraud_decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id_str)
    order_no: Mapped[str] = mapped_column(String(64), index=True)
    decision: Mapped[str] = mapped_column(String(8))
    previous_decision: Mapped[str | None] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(160))
    actor_roles: Mapped[list] = mapped_column(JSONB, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
