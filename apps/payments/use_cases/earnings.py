"""Vendor earnings: recorded per order when it is paid (pending), payable after delivery + the return window
(eligible), settled by payouts (paid); refunds shrink them (domain.py has the rule). Every change emits
earning.recorded with the earning's current figures."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.payments import domain, projections
from apps.payments.orm import Earning, OrderProjection, Refund
from kernel.clock import utcnow
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def emit(uow: UnitOfWork, e: Earning, change: str) -> None:
    uow.emit("earning.recorded", {
        "earningId": e.id, "vendorId": e.vendor_id, "orderNo": e.order_no, "grossMinor": e.gross_minor,
        "commissionMinor": e.commission_minor, "feesMinor": e.fees_minor, "netMinor": e.net_minor,
        "refundedMinor": e.refunded_gross_minor, "currency": e.currency, "status": e.status, "change": change,
        "eligibleAt": e.eligible_at, "at": e.updated_at}, key=e.vendor_id)


def splits_of(data: dict[str, Any]) -> list[domain.VendorSplit]:
    """vendorSplits of an order.paid payload, one per vendor (a repeated vendor is summed)."""
    merged: dict[str, tuple[int, int]] = {}
    for s in data.get("vendorSplits") or []:
        vendor_id = str(s.get("vendorId") or "") if isinstance(s, dict) else ""
        if not is_uuid(vendor_id):
            continue
        gross, commission = merged.get(vendor_id, (0, 0))
        merged[vendor_id] = (gross + _int(s.get("grossMinor")), commission + _int(s.get("commissionMinor")))
    return [domain.VendorSplit(v, g, c) for v, (g, c) in sorted(merged.items())]


async def record_for_paid_order(*, uow: UnitOfWork, data: dict[str, Any], fee_bps: int, fee_fixed_minor: int,
                                return_window: timedelta) -> list[Earning]:
    """Earnings rows (pending) for an order.paid payload; a redelivery records nothing twice."""
    order_no = str(data.get("orderNo") or "")
    splits = splits_of(data)
    if not order_no or not splits:
        return []
    if await projections.get(uow, order_no) is None:  # order.created was lost: order.paid has what we need
        await projections.record(uow, {**data, "paymentStatus": "paid", "status": "processing"})
    order = await projections.get(uow, order_no, lock=True)
    if order is not None and order.payment_status in ("pending", "failed"):  # a refund may already have run
        order.payment_status, order.paid_at = "paid", order.paid_at or utcnow()
    total = _int(data.get("totalMinor")) or sum(s.gross_minor for s in splits)
    fees = domain.provider_fee(total, fee_bps=fee_bps, fixed_minor=fee_fixed_minor)
    currency = str(data.get("currency") or (order.currency if order else "USD"))[:3].upper()
    eligible_at = order.delivered_at + return_window if order and order.delivered_at else None
    created: list[Earning] = []
    for vendor_id, figures in domain.vendor_earnings(splits, fees_minor=fees).items():
        if (earning := await _insert(uow, vendor_id, order_no, currency, figures, eligible_at)) is not None:
            created.append(earning)
    if created:
        await _replay_refunds(uow, order, order_no)
    return created


async def _insert(uow: UnitOfWork, vendor_id: str, order_no: str, currency: str, figures: domain.Figures,
                  eligible_at: datetime | None) -> Earning | None:
    """One vendor's earning for the order, unless it exists (a redelivered order.paid)."""
    now = utcnow()
    row = {"id": new_id_str(), "vendor_id": vendor_id, "order_no": order_no, "currency": currency,
           "gross_orig_minor": figures.gross_minor, "commission_orig_minor": figures.commission_minor,
           "fees_orig_minor": figures.fees_minor, "refunded_gross_minor": 0, "gross_minor": figures.gross_minor,
           "commission_minor": figures.commission_minor, "fees_minor": figures.fees_minor,
           "net_minor": figures.net_minor, "paid_minor": 0, "status": "pending", "eligible_at": eligible_at,
           "created_at": now, "updated_at": now}
    result = await uow.session.execute(insert(Earning).values(**row)
                                       .on_conflict_do_nothing(index_elements=["vendor_id", "order_no"])
                                       .returning(Earning.id))
    if result.first() is None:
        return None
    earning = (await uow.session.scalars(select(Earning).where(Earning.id == row["id"]))).one()
    emit(uow, earning, "recorded")
    return earning


async def _replay_refunds(uow: UnitOfWork, order: OrderProjection | None, order_no: str) -> None:
    """Refunds made before order.paid reached us still shrink the new earnings."""
    refunds = (await uow.session.scalars(select(Refund).where(Refund.order_no == order_no)
                                         .order_by(Refund.created_at))).all()
    for refund in refunds:
        await apply_refund(uow=uow, order=order, order_no=order_no, amount_minor=refund.amount_minor,
                           items=refund.items, full=refund.full)


async def for_order(uow: UnitOfWork, order_no: str) -> list[Earning]:
    return list((await uow.session.scalars(
        select(Earning).where(Earning.order_no == order_no).order_by(Earning.vendor_id)
        .with_for_update().execution_options(populate_existing=True))).all())


def _item_weights(order: OrderProjection | None, items: list[dict[str, Any]]) -> dict[str, int]:
    """Each vendor's value of the refunded items: (line total − line discount) per unit × refunded qty."""
    lines = {str(i.get("sku")): i for i in (order.items if order else [])}
    weights: dict[str, int] = {}
    for item in items:
        line = lines.get(str(item.get("sku")))
        if line is None or not is_uuid(str(line.get("vendorId"))):
            continue
        qty = max(_int(line.get("qty")), 1)
        line_net = _int(line.get("lineTotalMinor")) or _int(line.get("priceMinor")) * qty
        value = (line_net - _int(line.get("discountMinor"))) * _int(item.get("qty")) // qty
        weights[str(line["vendorId"])] = weights.get(str(line["vendorId"]), 0) + max(value, 0)
    return weights


async def apply_refund(*, uow: UnitOfWork, order: OrderProjection | None, order_no: str, amount_minor: int,
                       items: list[dict[str, Any]] | None, full: bool) -> list[Earning]:
    """Shrink the order's earnings by the vendors' shares of a refund; returns the earnings changed."""
    earnings = await for_order(uow, order_no)
    if not earnings:
        return []
    remaining = {e.vendor_id: e.gross_minor for e in earnings}
    if items:
        weights, house = _item_weights(order, items), 0
        weights = {v: weights.get(v, 0) for v in remaining}
    else:
        weights = {e.vendor_id: e.gross_orig_minor for e in earnings}
        house = max((order.total_minor if order else 0) - sum(weights.values()), 0)
    shares = domain.refund_shares(amount_minor, weights=weights, remaining_gross=remaining, house_weight=house,
                                  full=full)
    changed = []
    for e in earnings:
        if shares.get(e.vendor_id, 0) <= 0:
            continue
        e.refunded_gross_minor += shares[e.vendor_id]
        _set_figures(e)
        changed.append(e)
        emit(uow, e, "refund")
    await uow.session.flush()
    return changed


def _set_figures(e: Earning) -> None:
    original = domain.Figures(e.gross_orig_minor, e.commission_orig_minor, e.fees_orig_minor)
    now = domain.remaining_figures(original, e.refunded_gross_minor)
    e.gross_minor, e.commission_minor, e.fees_minor, e.net_minor = (
        now.gross_minor, now.commission_minor, now.fees_minor, now.net_minor)
    e.updated_at = utcnow()


async def mark_delivered(*, uow: UnitOfWork, order_no: str, delivered_at: datetime,
                         return_window: timedelta) -> int:
    """The return window starts at delivery; earnings already past it become eligible at once."""
    await projections.update(uow, order_no, status="delivered", delivered_at=delivered_at)
    count = 0
    for e in await for_order(uow, order_no):
        if e.status != "pending":
            continue
        e.eligible_at, e.updated_at = delivered_at + return_window, utcnow()
        count += 1
    await uow.session.flush()
    await make_eligible(uow=uow, order_no=order_no)
    return count


async def make_eligible(*, uow: UnitOfWork, now: datetime | None = None, order_no: str | None = None,
                        limit: int = 200) -> int:
    """pending → eligible for earnings whose return window has passed (the sweeper's work, batch by batch).

    SKIP LOCKED lets several payments processes sweep side by side.
    """
    stmt = (select(Earning).where(Earning.status == "pending", Earning.eligible_at <= (now or utcnow()))
            .order_by(Earning.eligible_at).limit(limit).with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))
    if order_no is not None:
        stmt = stmt.where(Earning.order_no == order_no)
    due = (await uow.session.scalars(stmt)).all()
    for e in due:
        e.status, e.updated_at = "eligible", utcnow()
        emit(uow, e, "eligible")
    await uow.session.flush()
    return len(due)


async def void_for_order(*, uow: UnitOfWork, order_no: str) -> int:
    """A cancelled order pays nobody: its pending earnings are voided."""
    count = 0
    for e in await for_order(uow, order_no):
        if e.status == "pending":
            e.status, e.updated_at = "void", utcnow()
            emit(uow, e, "void")
            count += 1
    await uow.session.flush()
    return count
