"""Fraud routes: scoring on demand and the risk team's queue and decisions. Thin — schema in, use case, schema out.

Who may call them: staff and super_admin (kernel.auth StaffDep). There is no separate "risk" role in the system's
role set (super_admin, vendor_admin, staff, customer); the risk team works with staff accounts. Shoppers and
vendors get 403: a score and its reasons say how fraud is caught, which is not for the people being scored.
"""
from __future__ import annotations

import math
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request

from apps.serving.domain import fraud as fraud_scoring
from apps.serving.exceptions import FraudScoreNotFound
from apps.serving.queries import fraud as queries
from apps.serving.use_cases.decide_review import decide as decide_review
from apps.serving.features import OnlineFeatures, feature_row
from apps.serving.orm.fraud import FraudDecisionLog, FraudOrder
from apps.serving.schemas.fraud import (AuditOut, DecisionIn, DecisionOut, EvaluateIn, EvaluateOut, LinkedAccountOut,
                                        QueueItemOut, QueueOut, ReviewOut)
from kernel.auth import StaffDep
from kernel.paging import PagingDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["fraud"])
OrderNo = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]


def online_features(request: Request) -> OnlineFeatures:
    app = request.app
    if getattr(app.state, "fraud_online", None) is None:
        app.state.fraud_online = OnlineFeatures(timeout=app.state.settings.fraud_feature_timeout_seconds)
    return app.state.fraud_online


@router.post("/ai/fraud/evaluate", response_model=EvaluateOut)
async def evaluate(body: EvaluateIn, request: Request, uow: UowDep, _: StaffDep) -> EvaluateOut:
    """Score an order now (read only: the stored score and the order's flow are not changed)."""
    started = time.perf_counter()
    async with uow.reading():
        if body.order_no is not None:
            order = await uow.session.get(FraudOrder, body.order_no)
            if order is None:
                raise FraudScoreNotFound(f"Serving has not seen order {body.order_no!r}.")
            row = await feature_row(uow, online_features(request), order)
        else:
            row = {name: (math.nan if value is None else float(value)) for name, value in body.features.items()}
    verdict = fraud_scoring.verdict(request.app.state.champions.get("fraud"), row)
    return EvaluateOut(score=verdict.score, reasons=verdict.reasons, modelVersion=verdict.model_version,
                       decision=verdict.decision, strategy=verdict.strategy, thresholds=verdict.thresholds,
                       orderNo=body.order_no, features=fraud_scoring.json_features(row),
                       latencyMs=round((time.perf_counter() - started) * 1000, 3))


@router.get("/admin/fraud/queue", response_model=QueueOut)
async def queue(uow: UowDep, _: StaffDep, *, status: Literal["pending", "decided", "all"] = "pending",
                paging: PagingDep) -> QueueOut:
    async with uow.reading():
        entries, total = await queries.queue(uow, status=status, page=paging.page, per_page=paging.per_page)
    return QueueOut.of([QueueItemOut(**_item_fields(e)) for e in entries], total, paging)


@router.get("/admin/fraud/{order_no}", response_model=ReviewOut)
async def review(order_no: OrderNo, uow: UowDep, _: StaffDep) -> ReviewOut:
    """One scored order with its audit trail: what the risk console's order page shows (pending or decided)."""
    async with uow.reading():
        found = await queries.entry(uow, order_no)
        if found is None:
            raise FraudScoreNotFound(f"No fraud score for order {order_no!r} (unknown, or not scored "
                                                   "yet).")
        trail = await queries.audit_trail(uow, found.score.order_no)
    return ReviewOut(**_item_fields(found), provisional=bool(found.score.provisional),
                     audit=[_audit_out(a) for a in trail])


@router.patch("/admin/fraud/{order_no}", response_model=DecisionOut)
async def decide(order_no: OrderNo, body: DecisionIn, uow: UowDep, user: StaffDep) -> DecisionOut:
    score = await decide_review(uow=uow, user=user, order_no=order_no, decision=body.decision,
                                       note=body.note)
    async with uow.reading():
        trail = await queries.audit_trail(uow, score.order_no)
    return DecisionOut(orderNo=score.order_no, decision=score.final_decision, previousDecision=score.decision,
                       decidedBy=score.decided_by, decidedAt=score.decided_at, note=score.note,
                       audit=[_audit_out(a) for a in trail])


def _item_fields(e: queries.QueueEntry) -> dict:
    return dict(
        orderNo=e.score.order_no, score=e.score.score, decision=e.score.decision, reasons=e.score.reasons,
        modelVersion=e.score.model_version, strategy=e.score.strategy, scoredAt=e.score.scored_at,
        reviewStatus=e.score.review_status, finalDecision=e.score.final_decision, decidedBy=e.score.decided_by,
        decidedAt=e.score.decided_at, note=e.score.note, order=queries.order_summary(e.order),
        linkedAccounts=[LinkedAccountOut(userId=a.user_id, shared=sorted(a.shared), orderNos=a.order_nos)
                        for a in e.linked])


def _audit_out(a: FraudDecisionLog) -> AuditOut:
    return AuditOut(decision=a.decision, previousDecision=a.previous_decision, actor=a.actor, note=a.note,
                    score=a.score, decidedAt=a.decided_at)
