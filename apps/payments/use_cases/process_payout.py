"""An admin moves a payout requested → processing → paid | failed (PATCH /v1/admin/payouts/{id}): paid settles the
earnings it covers, failed lets them go (they stay eligible). One unit of work, committed (@use_case)."""
from __future__ import annotations

from sqlalchemy import select

from apps.payments import domain
from apps.payments.exceptions import InvalidPayoutTransition
from apps.payments.orm import Earning, Payout, PayoutItem
from apps.payments.queries import get_payout
from apps.payments.use_cases import earnings
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def change_status(*, uow: UnitOfWork, payout_id: str, target: str, note: str | None) -> Payout:
    """Asking for the status it already has changes nothing; anything the state machine forbids is 409."""
    payout = await get_payout(uow, payout_id, lock=True)
    if payout.status == target:
        return payout
    if not domain.can_transition(payout.status, target):
        raise InvalidPayoutTransition(f"A {payout.status} payout cannot become {target}.")
    previous, now = payout.status, utcnow()
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
        e.updated_at = utcnow()
        if e.status == "eligible" and domain.earning_status_after_payment(e.net_minor, e.paid_minor) == "paid":
            e.status = "paid"
            earnings.emit(uow, e, "paid")
