"""Reads: a vendor's balances and earnings, payouts (one, or the admin's list), a payment intent. Nothing here
writes; the payout use cases read their balances through the same functions.

A vendor's balance in one currency, from its earnings rows:
  pending   = Σ net of pending earnings
  eligible  = Σ (net − paid) of eligible and paid earnings (a refund after payout makes a paid one negative, which
              the next payout absorbs)
  requested = Σ amounts of its requested/processing payouts' items
  available = eligible − requested (what a new request may ask for)
  paid      = Σ paid of all its earnings
"""
from __future__ import annotations

from sqlalchemy import func, select

from apps.payments.exceptions import IntentNotFound, PayoutNotFound
from apps.payments.orm import Earning, Payout, PayoutItem, PaymentIntent
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

HOLDING = ("requested", "processing")  # a payout in these holds the earnings it covers
PAYABLE_EARNINGS = ("eligible", "paid")


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


async def list_earnings(uow: UnitOfWork, *, vendor_id: str, currency: str, page: int,
                        per_page: int) -> tuple[list[Earning], int]:
    stmt = select(Earning).where(Earning.vendor_id == vendor_id, Earning.currency == currency)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await uow.session.scalars(stmt.order_by(Earning.created_at.desc(), Earning.id.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), int(total or 0)


async def get_payout(uow: UnitOfWork, payout_id: str, *, lock: bool = False) -> Payout:
    if not is_uuid(payout_id):
        raise PayoutNotFound(f"No payout {payout_id[:64]!r}.")
    stmt = select(Payout).where(Payout.id == payout_id).execution_options(populate_existing=True)
    payout = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if payout is None:
        raise PayoutNotFound(f"No payout {payout_id!r}.")
    return payout


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


async def get_intent(uow: UnitOfWork, intent_id: str, *, lock: bool = False) -> PaymentIntent:
    if not intent_id or len(intent_id) > 255:
        raise IntentNotFound("No such payment intent.")
    stmt = select(PaymentIntent).where(PaymentIntent.id == intent_id).execution_options(populate_existing=True)
    intent = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if intent is None:
        raise IntentNotFound(f"No payment intent {intent_id!r}.")
    return intent
