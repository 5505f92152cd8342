"""Fraud use cases: keep the projections, score an order (store score, reasons, model version; emit fraud.scored
and fraud.decided), and the risk team's decision on an order in review (audited; emits fraud.review.decided).
The risk team's decision (`@use_case`) owns its commit; the rest run inside their consumer's unit of work."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from apps.serving import fraud_scoring
from apps.serving.fraud_features import OnlineFeatures, feature_row
from apps.serving.fraud_orm import FraudAccount, FraudDecisionLog, FraudOrder, FraudPendingPayment, FraudScore
from kernel.auth import CurrentUser
from kernel.errors import Conflict, NotFound
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("serving.fraud")


class FraudScoreNotFound(NotFound):
    title = "No fraud score for this order"
    type_slug = "fraud-score-not-found"


class AlreadyDecided(Conflict):
    title = "This order is not waiting for a fraud review"
    type_slug = "fraud-not-in-review"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _when(value: Any, default: datetime) -> datetime:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else default
    except ValueError:
        return default
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _short(value: Any, n: int) -> str | None:
    return str(value)[:n] if value else None


def order_values(data: dict[str, Any], default_at: datetime) -> dict[str, Any] | None:
    """Projection columns from an order.created payload; None when it names no order or no user."""
    order_no, user_id = data.get("orderNo"), data.get("userId")
    if not order_no or not user_id or len(str(order_no)) > 64:
        return None
    totals = data.get("totals") if isinstance(data.get("totals"), dict) else {}
    address = data.get("shippingAddress") if isinstance(data.get("shippingAddress"), dict) else {}
    country = _short(address.get("country"), 2)
    postal = str(address.get("postalCode") or "").upper()
    items = [{"sku": i.get("sku"), "productId": i.get("productId"), "vendorId": i.get("vendorId"),
              "qty": i.get("qty"), "priceMinor": i.get("priceMinor")}
             for i in data.get("items") or [] if isinstance(i, dict)]
    return {"order_no": str(order_no), "user_id": str(user_id)[:64], "device_id": _short(data.get("deviceId"), 64),
            "ip": _short(data.get("ip"), 45), "ip_country": _short(data.get("ipCountry"), 2),
            "ship_country": country, "address_key": f"{country}|{postal}"[:80] if country else None,
            "total_minor": int(totals.get("totalMinor") or 0), "currency": str(data.get("currency") or "USD")[:3],
            "item_count": sum(int(i.get("qty") or 0) for i in items), "items": items,
            "created_at": _when(data.get("createdAt"), default_at)}


async def record_order(uow: UnitOfWork, data: dict[str, Any], at: datetime) -> tuple[FraudOrder | None, bool]:
    """The order projected, and whether its checkout is already complete (its card or its capture came first)."""
    values = order_values(data, at)
    if values is None:
        return None, False
    await uow.session.execute(insert(FraudOrder).values(**values).on_conflict_do_nothing())
    order = await uow.session.get(FraudOrder, values["order_no"], populate_existing=True, with_for_update=True)
    pending = await uow.session.get(FraudPendingPayment, order.order_no, with_for_update=True)
    if pending is None:
        return order, order.card_fingerprint is not None
    if pending.card_fingerprint and not order.card_fingerprint:
        order.card_fingerprint, order.card_country = pending.card_fingerprint, pending.card_country
    paid = pending.paid
    await uow.session.delete(pending)
    return order, order.card_fingerprint is not None or paid


async def record_account(uow: UnitOfWork, data: dict[str, Any], at: datetime) -> None:
    if not data.get("userId"):
        return
    await uow.session.execute(insert(FraudAccount).values(
        user_id=str(data["userId"])[:64], created_at=_when(data.get("createdAt"), at)).on_conflict_do_nothing())


async def record_card(uow: UnitOfWork, data: dict[str, Any]) -> tuple[FraudOrder | None, bool]:
    """The order of a payment event, and whether it learnt its card now (the first card presented for it)."""
    order_no = str(data.get("orderNo") or "")[:64]
    order = await uow.session.get(FraudOrder, order_no, with_for_update=True) if order_no else None
    fingerprint = data.get("cardFingerprint")
    if order is None and order_no:
        await _remember_payment(uow, order_no, data)
    if order is None or not fingerprint or order.card_fingerprint:
        return order, False
    order.card_fingerprint, order.card_country = str(fingerprint)[:64], _short(data.get("cardCountry"), 2)
    return order, True


async def _remember_payment(uow: UnitOfWork, order_no: str, data: dict[str, Any]) -> None:
    """A payment event ahead of its order.created: keep its card (the first one) and whether the payment landed."""
    card, paid = data.get("cardFingerprint"), data.get("succeededAt") is not None
    values = {"order_no": order_no, "card_fingerprint": str(card)[:64] if card else None,
              "card_country": _short(data.get("cardCountry"), 2) if card else None, "paid": paid}
    update: dict[str, Any] = {"paid": FraudPendingPayment.paid | paid}
    if card:
        update["card_fingerprint"] = func.coalesce(FraudPendingPayment.card_fingerprint, values["card_fingerprint"])
        update["card_country"] = func.coalesce(FraudPendingPayment.card_country, values["card_country"])
    await uow.session.execute(insert(FraudPendingPayment).values(**values)
                              .on_conflict_do_update(index_elements=["order_no"], set_=update))


def _audit(uow: UnitOfWork, *, order_no: str, decision: str, previous: str | None, actor: str,
           roles: list[str], note: str | None, score: float | None, at: datetime) -> None:
    uow.session.add(FraudDecisionLog(order_no=order_no, decision=decision, previous_decision=previous, actor=actor,
                                     actor_roles=roles, note=note, score=score, decided_at=at))


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
        _audit(uow, order_no=order.order_no, decision=verdict.decision, previous=previous,
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


async def is_decided(uow: UnitOfWork, order_no: str) -> bool:
    score = await uow.session.get(FraudScore, order_no)
    return score is not None and not score.provisional


async def get_score(uow: UnitOfWork, order_no: str, *, lock: bool = False) -> FraudScore:
    score = await uow.session.get(FraudScore, order_no[:64], with_for_update=lock) if order_no else None
    if score is None:
        raise FraudScoreNotFound(f"No fraud score for order {order_no[:64]!r} (unknown, or not scored yet).")
    return score


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
    _audit(uow, order_no=score.order_no, decision=decision, previous=score.decision, actor=user.id,
           roles=list(user.roles), note=note, score=score.score, at=now)
    await uow.session.flush()
    uow.emit("fraud.review.decided", {"orderNo": score.order_no, "userId": score.user_id, "decision": decision,
                                      "previousDecision": score.decision, "decidedBy": user.id[:64], "note": note,
                                      "decidedAt": now}, key=score.order_no)
    return score


async def audit_trail(uow: UnitOfWork, order_no: str) -> list[FraudDecisionLog]:
    return list((await uow.session.scalars(select(FraudDecisionLog).where(FraudDecisionLog.order_no == order_no)
                                           .order_by(FraudDecisionLog.decided_at, FraudDecisionLog.id))).all())
