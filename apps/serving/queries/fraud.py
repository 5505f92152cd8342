"""The risk team's queue: orders the model sent to review (riskiest first), each with its reasons, a summary of
the order, and the accounts linked to it — other accounts whose orders share its device, card or shipping
address, from serving's own projection of orders (fed by order and payment events)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select

from apps.serving.exceptions import FraudScoreNotFound
from apps.serving.orm.fraud import FraudDecisionLog, FraudOrder, FraudScore
from kernel.uow import UnitOfWork

MAX_LINKED_ORDERS = 20  # per linked account: enough to see a pattern, bounded for a ring of thousands


@dataclass
class LinkedAccount:
    user_id: str
    shared: set[str] = field(default_factory=set)  # device | card | address
    order_nos: list[str] = field(default_factory=list)


@dataclass
class QueueEntry:
    score: FraudScore
    order: FraudOrder | None
    linked: list[LinkedAccount]


async def linked_accounts(uow: UnitOfWork, order: FraudOrder, limit: int = 50) -> list[LinkedAccount]:
    links = [(name, column, value) for name, column, value in (
        ("device", FraudOrder.device_id, order.device_id), ("card", FraudOrder.card_fingerprint,
                                                            order.card_fingerprint),
        ("address", FraudOrder.address_key, order.address_key)) if value]
    if not links:
        return []
    rows = (await uow.session.execute(
        select(FraudOrder.user_id, FraudOrder.order_no, FraudOrder.device_id, FraudOrder.card_fingerprint,
               FraudOrder.address_key)
        .where(FraudOrder.user_id != order.user_id, or_(*(column == value for _, column, value in links)))
        .order_by(FraudOrder.created_at.desc()).limit(limit * MAX_LINKED_ORDERS))).all()
    found: dict[str, LinkedAccount] = {}
    for user_id, order_no, device, card, address in rows:
        account = found.setdefault(user_id, LinkedAccount(user_id))
        theirs = {"device": device, "card": card, "address": address}
        account.shared |= {name for name, _, value in links if theirs[name] == value}
        if len(account.order_nos) < MAX_LINKED_ORDERS:
            account.order_nos.append(order_no)
    return sorted(found.values(), key=lambda a: (-len(a.shared), -len(a.order_nos), a.user_id))[:limit]


async def queue(uow: UnitOfWork, *, status: str, page: int, per_page: int) -> tuple[list[QueueEntry], int]:
    """status: pending (waiting for the risk team), decided, or all (every order that went to review)."""
    condition = FraudScore.review_status.is_not(None) if status == "all" else FraudScore.review_status == status
    total = await uow.session.scalar(select(func.count()).select_from(FraudScore).where(condition))
    order_by = (FraudScore.score.desc(), FraudScore.scored_at) if status == "pending" else \
        (FraudScore.decided_at.desc().nulls_first(), FraudScore.score.desc())
    scores = (await uow.session.scalars(select(FraudScore).where(condition).order_by(*order_by)
                                        .offset((page - 1) * per_page).limit(per_page))).all()
    entries = []
    for score in scores:
        order = await uow.session.get(FraudOrder, score.order_no)
        entries.append(QueueEntry(score, order, await linked_accounts(uow, order) if order else []))
    return entries, int(total or 0)


async def entry(uow: UnitOfWork, order_no: str) -> QueueEntry | None:
    """One scored order as the queue shows it (whether or not it ever went to review); None if never scored."""
    score = await uow.session.get(FraudScore, order_no[:64])
    if score is None:
        return None
    order = await uow.session.get(FraudOrder, score.order_no)
    return QueueEntry(score, order, await linked_accounts(uow, order) if order else [])


def order_summary(order: FraudOrder | None) -> dict[str, Any] | None:
    if order is None:
        return None
    return {"orderNo": order.order_no, "userId": order.user_id, "totalMinor": order.total_minor,
            "currency": order.currency, "itemCount": order.item_count, "items": order.items,
            "shipCountry": order.ship_country, "deviceId": order.device_id, "ip": order.ip,
            "ipCountry": order.ip_country, "cardFingerprint": order.card_fingerprint,
            "cardCountry": order.card_country, "createdAt": order.created_at.isoformat()}


async def is_decided(uow: UnitOfWork, order_no: str) -> bool:
    score = await uow.session.get(FraudScore, order_no)
    return score is not None and not score.provisional


async def get_score(uow: UnitOfWork, order_no: str, *, lock: bool = False) -> FraudScore:
    score = await uow.session.get(FraudScore, order_no[:64], with_for_update=lock) if order_no else None
    if score is None:
        raise FraudScoreNotFound(f"No fraud score for order {order_no[:64]!r} (unknown, or not scored yet).")
    return score


async def audit_trail(uow: UnitOfWork, order_no: str) -> list[FraudDecisionLog]:
    return list((await uow.session.scalars(select(FraudDecisionLog).where(FraudDecisionLog.order_no == order_no)
                                           .order_by(FraudDecisionLog.decided_at, FraudDecisionLog.id))).all())
