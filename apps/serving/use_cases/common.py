"""What the fraud use cases share: the audit row of a decision."""
from __future__ import annotations

from datetime import datetime

from apps.serving.orm.fraud import FraudDecisionLog
from kernel.uow import UnitOfWork


def audit(uow: UnitOfWork, *, order_no: str, decision: str, previous: str | None, actor: str,
           roles: list[str], note: str | None, score: float | None, at: datetime) -> None:
    uow.session.add(FraudDecisionLog(order_no=order_no, decision=decision, previous_decision=previous, actor=actor,
                                     actor_roles=roles, note=note, score=score, decided_at=at))
