"""Score an order: store the score, its reasons and the model version; emit fraud.scored and fraud.decided. Runs
inside its consumer's unit of work (the reaction to order.created or to a payment event)."""
from __future__ import annotations

import time
from typing import Any

import structlog

from apps.serving.domain import fraud as fraud_scoring
from apps.serving.features import OnlineFeatures, feature_row
from apps.serving.orm.fraud import FraudOrder, FraudScore
from apps.serving.projections.fraud import utcnow
from apps.serving.use_cases.common import audit
from kernel.uow import UnitOfWork

log = structlog.get_logger("serving.fraud")


async def score_order(*, uow: UnitOfWork, champions: Any, online: OnlineFeatures, order: FraudOrder,
                      enforced: bool = True, final: bool = True) -> FraudScore | None:
    """Score an order and store the score, its reasons and the model version.

    A provisional score (order.created, the card not presented yet) is stored and announced (fraud.scored) but
    decides nothing. The final score — the first payment attempt that shows the card, or the payment landing —
    is the decision: stored, audited, announced (fraud.scored + fraud.decided). After that a new score may only
    tighten an approval (to review or reject); an order in review or rejected is left to the risk team."""
    started = time.perf_counter()
    row = await feature_row(uow, online, order)
    verdict = fraud_scoring.verdict(champions.get("fraud") if champions else None, row)
    latency = (time.perf_counter() - started) * 1000
    now = utcnow()
    existing = await uow.session.get(FraudScore, order.order_no, with_for_update=True)
    previous = None
    if existing is None:
        existing = FraudScore(order_no=order.order_no, user_id=order.user_id, rescored=0)
        uow.session.add(existing)
    elif not existing.provisional:
        if not final or existing.decision != "approve" or \
                not fraud_scoring.escalates(existing.decision, verdict.decision):
            return None
        previous, existing.rescored = existing.decision, existing.rescored + 1
    else:
        existing.rescored += 1
    existing.score, existing.decision, existing.reasons = verdict.score, verdict.decision, verdict.reasons
    existing.model_version, existing.strategy, existing.provisional = verdict.model_version, verdict.strategy, not final
    existing.features, existing.latency_ms, existing.scored_at = fraud_scoring.json_features(row), latency, now
    existing.review_status = "pending" if final and verdict.decision == "review" else None
    if final:
        audit(uow, order_no=order.order_no, decision=verdict.decision, previous=previous,
               actor=f"model:{verdict.model_version}", roles=[], note="; ".join(verdict.reasons)[:2000] or None,
               score=verdict.score, at=now)
    await uow.session.flush()
    common = {"orderNo": order.order_no, "userId": order.user_id, "score": verdict.score,
              "modelVersion": verdict.model_version}
    uow.emit("fraud.scored", {**common, "decision": verdict.decision, "reasons": verdict.reasons,
                              "strategy": verdict.strategy, "latencyMs": round(latency, 3), "scoredAt": now,
                              "provisional": not final}, key=order.order_no)
    if final:
        uow.emit("fraud.decided", {**common, "decision": verdict.decision, "decidedAt": now, "enforced": enforced},
                 key=order.order_no)
    log.info("serving.fraud.scored", order_no=order.order_no, score=round(verdict.score, 4), final=final,
             decision=verdict.decision, strategy=verdict.strategy, latency_ms=round(latency, 1))
    return existing
