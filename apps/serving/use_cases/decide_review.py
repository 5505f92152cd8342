"""The risk team's decision on an order in review (audited; emits fraud.review.decided); owns its commit."""
from __future__ import annotations

from apps.serving.exceptions import AlreadyDecided
from apps.serving.orm.fraud import FraudScore
from apps.serving.projections.fraud import utcnow
from apps.serving.queries.fraud import get_score
from apps.serving.use_cases.common import audit
from kernel.auth import CurrentUser
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def decide(*, uow: UnitOfWork, user: CurrentUser, order_no: str, decision: str,
                 note: str | None) -> FraudScore:
    """The risk team's verdict on an order in review: once only (a second one is a 409)."""
    score = await get_score(uow, order_no, lock=True)
    if score.review_status != "pending":
        state = f"already decided ({score.final_decision} by {score.decided_by})" if score.review_status \
            else f"automatically {score.decision}d, never in review"
        raise AlreadyDecided(f"Order {order_no} is {state}.")
    now = utcnow()
    score.review_status, score.final_decision = "decided", decision
    score.decided_by, score.decided_at, score.note = user.id[:64], now, note
    audit(uow, order_no=score.order_no, decision=decision, previous=score.decision, actor=user.id,
           roles=list(user.roles), note=note, score=score.score, at=now)
    await uow.session.flush()
    uow.emit("fraud.review.decided", {"orderNo": score.order_no, "userId": score.user_id, "decision": decision,
                                      "previousDecision": score.decision, "decidedBy": user.id[:64], "note": note,
                                      "decidedAt": now}, key=score.order_no)
    return score
