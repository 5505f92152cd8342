"""A vendor asks for part of its available balance (POST /v1/vendors/{vendorId}/payout-request, Idempotency-Key):
a payout `requested`, holding the earnings it covers (oldest first). One unit of work, committed (@use_case)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from apps.payments import domain
from apps.payments.exceptions import PayoutExceedsEligible
from apps.payments.orm import IDEMPOTENCY, Earning, Payout, PayoutItem
from apps.payments.queries import PAYABLE_EARNINGS, held_by_earning
from kernel.clock import utcnow
from kernel.idempotency import claim, remember
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def payout_body(p: Payout) -> dict[str, Any]:
    return {"payoutId": p.id, "vendorId": p.vendor_id, "amountMinor": p.amount_minor, "currency": p.currency,
            "status": p.status, "note": p.note, "createdAt": p.created_at.isoformat(),
            "updatedAt": p.updated_at.isoformat(),
            "processedAt": p.processed_at.isoformat() if p.processed_at else None}


@use_case
async def request_payout(*, uow: UnitOfWork, vendor_id: str, amount_minor: int, currency: str,
                         idempotency_key: str, actor_id: str | None) -> tuple[int, dict[str, Any]]:
    """(status code, body): the new payout, or the answer stored for this Idempotency-Key."""
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
    now = utcnow()
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
