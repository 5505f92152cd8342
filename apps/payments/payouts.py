"""Vendor balances and payouts: a vendor requests part of its eligible balance (Idempotency-Key), an admin moves
the payout requested → processing → paid | failed. A requested or processing payout holds the earnings it covers;
paid settles them; failed lets them go (they stay eligible).

A vendor's balance in one currency, from its earnings rows:
  pending   = Σ net of pending earnings
  eligible  = Σ (net − paid) of eligible and paid earnings (a refund after payout makes a paid one negative, which
              the next payout absorbs)
  requested = Σ amounts of its requested/processing payouts' items
  available = eligible − requested (what a new request may ask for)
  paid      = Σ paid of all its earnings
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from apps.payments import domain, earnings, projection
from apps.payments.exceptions import InvalidPayoutTransition, PayoutExceedsEligible, PayoutNotFound
from apps.payments.orm import IDEMPOTENCY, Earning, Payout, PayoutItem
from kernel.idempotency import claim, remember
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork

HOLDING = ("requested", "processing")
PAYABLE_EARNINGS = ("eligible", "paid")


def payout_body(p: Payout) -> dict[str, Any]:
    return {"payoutId": p.id, "vendorId": p.vendor_id, "amountMinor": p.amount_minor, "currency": p.currency,
            "status": p.status, "note": p.note, "createdAt": p.created_at.isoformat(),
            "updatedAt": p.updated_at.isoformat(),
            "processedAt": p.processed_at.isoformat() if p.processed_at else None}


async def held_by_earning(uow: UnitOfWork, vendor_id: str, currency: str) -> dict[str, int]:
    rows = await uow.session.execute(
        select(PayoutItem.earning_id, func.sum(PayoutItem.amount_minor))
        .join(Payout, Payout.id == PayoutItem.payout_id)
        .where(Payout.vendor_id == vendor_id, Payout.currency == currency, Payout.status.in_(HOLDING))
        .group_by(PayoutItem.earning_id))
    return {earning_id: int(amount) for earning_id, amount in rows.all()}


async def balances(uow: UnitOfWork, vendor_id: str, currency: str) -> dict[str, int]:
    rows = await uow.session.execute(
        select(Earning.status, func.coalesce(func.sum(Earning.net_minor), 0),
               func.coalesce(func.sum(Earning.paid_minor), 0))
        .where(Earning.vendor_id == vendor_id, Earning.currency == currency).group_by(Earning.status))
    by_status = {status: (int(net), int(paid)) for status, net, paid in rows.all()}
    requested = sum((await held_by_earning(uow, vendor_id, currency)).values())
    eligible = sum(net - paid for status, (net, paid) in by_status.items() if status in PAYABLE_EARNINGS)
    return {"pendingMinor": by_status.get("pending", (0, 0))[0], "eligibleMinor": eligible,
            "requestedMinor": requested, "availableMinor": eligible - requested,
            "paidMinor": sum(paid for _, paid in by_status.values())}


async def request_payout(*, uow: UnitOfWork, vendor_id: str, amount_minor: int, currency: str,
                         idempotency_key: str, actor_id: str | None) -> tuple[int, dict[str, Any]]:
    scope = f"payments.payout:{vendor_id}"
    body = {"amountMinor": amount_minor, "currency": currency}
    stored = await claim(uow.session, IDEMPOTENCY, scope=scope, key=idempotency_key, body=body)
    if stored is not None:
        return stored.status_code, stored.body
    # Locking the vendor's payable earnings serializes its concurrent requests: the second sees the first's hold.
    rows = (await uow.session.scalars(
        select(Earning).where(Earning.vendor_id == vendor_id, Earning.currency == currency,
                              Earning.status.in_(PAYABLE_EARNINGS))
        .order_by(Earning.created_at, Earning.id).with_for_update().execution_options(populate_existing=True))).all()
    held = await held_by_earning(uow, vendor_id, currency)
    payable = [(e.id, e.net_minor - e.paid_minor - held.get(e.id, 0)) for e in rows]
    available = sum(amount for _, amount in payable)
    if amount_minor > available:
        raise PayoutExceedsEligible(f"{amount_minor} {currency} requested, {max(available, 0)} available.")
    now = projection.utcnow()
    payout = Payout(id=new_id_str(), vendor_id=vendor_id, amount_minor=amount_minor, currency=currency,
                    status="requested", requested_by=actor_id, created_at=now, updated_at=now)
    uow.session.add(payout)
    await uow.session.flush()
    for earning_id, amount in domain.allocate_payout(amount_minor, [(i, a) for i, a in payable if a > 0]):
        uow.session.add(PayoutItem(payout_id=payout.id, earning_id=earning_id, amount_minor=amount))
    await uow.session.flush()
    uow.emit("payout.requested", {"payoutId": payout.id, "vendorId": vendor_id, "amountMinor": amount_minor,
                                  "currency": currency, "requestedAt": now}, key=vendor_id)
    answer = payout_body(payout)
    await remember(uow.session, IDEMPOTENCY, scope=scope, key=idempotency_key, status_code=201, body=answer)
    return 201, answer


async def get_payout(uow: UnitOfWork, payout_id: str, *, lock: bool = False) -> Payout:
    if not is_uuid(payout_id):
        raise PayoutNotFound(f"No payout {payout_id[:64]!r}.")
    stmt = select(Payout).where(Payout.id == payout_id).execution_options(populate_existing=True)
    payout = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if payout is None:
        raise PayoutNotFound(f"No payout {payout_id!r}.")
    return payout


async def change_status(*, uow: UnitOfWork, payout_id: str, target: str, note: str | None) -> Payout:
    """Asking for the status it already has changes nothing; anything the state machine forbids is 409."""
    payout = await get_payout(uow, payout_id, lock=True)
    if payout.status == target:
        return payout
    if not domain.can_transition(payout.status, target):
        raise InvalidPayoutTransition(f"A {payout.status} payout cannot become {target}.")
    previous, now = payout.status, projection.utcnow()
    if target == "paid":
        await _settle(uow, payout)
    payout.status, payout.updated_at, payout.note = target, now, note or payout.note
    if target in ("paid", "failed"):
        payout.processed_at = now
    await uow.session.flush()
    uow.emit("payout.processed", {"payoutId": payout.id, "vendorId": payout.vendor_id,
                                  "amountMinor": payout.amount_minor, "status": target, "previousStatus": previous,
                                  "currency": payout.currency, "processedAt": now}, key=payout.vendor_id)
    return payout


async def _settle(uow: UnitOfWork, payout: Payout) -> None:
    """Each covered earning's paid amount grows; one fully settled becomes paid."""
    items = {i.earning_id: i.amount_minor for i in (await uow.session.scalars(
        select(PayoutItem).where(PayoutItem.payout_id == payout.id))).all()}
    covered = (await uow.session.scalars(select(Earning).where(Earning.id.in_(items)).order_by(Earning.id)
                                         .with_for_update().execution_options(populate_existing=True))).all()
    for e in covered:
        e.paid_minor += items[e.id]
        e.updated_at = projection.utcnow()
        if e.status == "eligible" and domain.earning_status_after_payment(e.net_minor, e.paid_minor) == "paid":
            e.status = "paid"
            earnings.emit(uow, e, "paid")


async def list_payouts(uow: UnitOfWork, *, status: str | None, vendor_id: str | None, page: int,
                       per_page: int) -> tuple[list[Payout], int]:
    stmt = select(Payout)
    if status:
        stmt = stmt.where(Payout.status == status)
    if vendor_id:
        if not is_uuid(vendor_id):
            return [], 0
        stmt = stmt.where(Payout.vendor_id == vendor_id)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await uow.session.scalars(stmt.order_by(Payout.created_at.desc(), Payout.id.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), int(total or 0)


async def list_earnings(uow: UnitOfWork, *, vendor_id: str, currency: str, page: int,
                        per_page: int) -> tuple[list[Earning], int]:
    stmt = select(Earning).where(Earning.vendor_id == vendor_id, Earning.currency == currency)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await uow.session.scalars(stmt.order_by(Earning.created_at.desc(), Earning.id.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), int(total or 0)
