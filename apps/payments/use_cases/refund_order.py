"""Refunds by staff (POST /v1/admin/orders/{orderNo}/refunds), full or partial, optionally for listed items or an
RMA (the money side of a return). The payment row is locked for the whole use case, so two refunds racing on one
order can never together exceed what was captured (the CHECK constraint is the last fence)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from apps.payments import projections
from apps.payments.exceptions import (
    InvalidRefundItems,
    OrderNotFound,
    OrderNotPaid,
    ProviderFailed,
    RefundExceedsCapture,
)
from apps.payments.orm import IDEMPOTENCY, OrderProjection, Payment, Refund, ReturnRequest
from apps.payments.providers.base import PaymentProvider, ProviderError
from apps.payments.use_cases import earnings
from kernel.clock import utcnow
from kernel.idempotency import claim, remember
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class RefundCommand:
    order_no: str
    amount_minor: int
    reason: str
    items: list[dict[str, Any]] | None
    rma_id: str | None
    actor_id: str | None
    idempotency_key: str | None = None


def refund_body(refund: Refund, payment: Payment) -> dict[str, Any]:
    return {"refundId": refund.id, "orderNo": refund.order_no, "amountMinor": refund.amount_minor,
            "currency": refund.currency, "reason": refund.reason, "status": refund.status, "full": refund.full,
            "refundedTotalMinor": payment.refunded_minor, "capturedMinor": payment.amount_minor,
            "items": refund.items, "rmaId": refund.rma_id, "providerRefundId": refund.provider_refund_id,
            "createdAt": refund.created_at.isoformat()}


@use_case
async def refund_order(*, uow: UnitOfWork, provider: PaymentProvider, cmd: RefundCommand) -> tuple[int, dict]:
    """(status code, body): one unit of work, committed; a fraud rejection's reaction runs it inside the consumer's
    unit of work, which it joins."""
    scope = f"payments.refund:{cmd.order_no}"
    if cmd.idempotency_key:
        request = {"amountMinor": cmd.amount_minor, "reason": cmd.reason, "items": cmd.items, "rmaId": cmd.rma_id}
        stored = await claim(uow.session, IDEMPOTENCY, scope=scope, key=cmd.idempotency_key, body=request)
        if stored is not None:
            return stored.status_code, stored.body
    payment = await _captured_payment(uow, cmd.order_no)
    if payment.refunded_minor + cmd.amount_minor > payment.amount_minor:
        raise RefundExceedsCapture(f"{cmd.amount_minor} asked, {payment.amount_minor - payment.refunded_minor} of "
                                   f"{payment.amount_minor} {payment.currency} left to refund.")
    order = await projections.get(uow, cmd.order_no, lock=True)
    rma = await _return_request(uow, cmd.rma_id, cmd.order_no)
    items = cmd.items if cmd.items is not None else (rma.items if rma else None)
    if items:
        await _check_items(uow, order, items)
    refund = await _provider_refund(uow, provider, payment, cmd, items)
    await _book(uow, payment, refund, order, rma, items)
    body = refund_body(refund, payment)
    if cmd.idempotency_key:
        await remember(uow.session, IDEMPOTENCY, scope=scope, key=cmd.idempotency_key, status_code=201, body=body)
    return 201, body


async def _book(uow: UnitOfWork, payment: Payment, refund: Refund, order: OrderProjection | None,
                rma: ReturnRequest | None, items: list[dict[str, Any]] | None) -> None:
    """The refund's effects: payment, order projection, RMA, earnings, and payment.refunded."""
    payment.refunded_minor += refund.amount_minor
    refund.full = payment.refunded_minor == payment.amount_minor
    if rma is not None:
        rma.refund_id = refund.id
    if order is not None:
        order.payment_status = "refunded" if refund.full else "partial"
        order.updated_at = utcnow()
    await uow.session.flush()
    await earnings.apply_refund(uow=uow, order=order, order_no=refund.order_no, amount_minor=refund.amount_minor,
                                items=items, full=refund.full)
    uow.emit("payment.refunded", {
        "refundId": refund.id, "orderNo": refund.order_no, "paymentId": payment.id,
        "amountMinor": refund.amount_minor, "currency": refund.currency, "reason": refund.reason,
        "full": refund.full, "refundedTotalMinor": payment.refunded_minor, "capturedMinor": payment.amount_minor,
        "items": items, "rmaId": refund.rma_id, "status": refund.status, "refundedAt": refund.created_at},
        key=refund.order_no)


async def _captured_payment(uow: UnitOfWork, order_no: str) -> Payment:
    payment = await uow.session.scalar(select(Payment).where(Payment.order_no == order_no).with_for_update()
                                       .execution_options(populate_existing=True))
    if payment is not None:
        return payment
    if await projections.get(uow, order_no) is None:
        raise OrderNotFound(f"No order {order_no!r}.")
    raise OrderNotPaid(f"Order {order_no} has no captured payment to refund.")


async def _return_request(uow: UnitOfWork, rma_id: str | None, order_no: str) -> ReturnRequest | None:
    if rma_id is None:
        return None
    rma = await uow.session.get(ReturnRequest, rma_id, with_for_update=True)
    if rma is None or rma.order_no != order_no:
        raise InvalidRefundItems(f"No return {rma_id!r} for order {order_no}.")
    if rma.refund_id is not None:
        raise RefundExceedsCapture(f"Return {rma_id} was already refunded ({rma.refund_id}).")
    return rma


async def _check_items(uow: UnitOfWork, order: OrderProjection | None, items: list[dict[str, Any]]) -> None:
    """Every SKU must be on the order, and no more of it refunded in total than was bought."""
    ordered: dict[str, int] = {}
    refunded: dict[str, int] = {}
    if order is not None:
        for line in order.items:
            ordered[str(line.get("sku"))] = ordered.get(str(line.get("sku")), 0) + int(line.get("qty") or 0)
        for past in (await uow.session.scalars(select(Refund.items).where(Refund.order_no == order.order_no))):
            for line in past or []:
                refunded[line["sku"]] = refunded.get(line["sku"], 0) + int(line["qty"])
    errors = []
    for item in items:
        sku, qty = str(item["sku"]), int(item["qty"])
        left = ordered.get(sku, 0) - refunded.get(sku, 0)
        if qty > left:
            errors.append({"field": "items", "sku": sku, "requested": qty, "refundable": max(left, 0),
                           "message": "not on the order" if sku not in ordered else "more than is left to refund"})
    if errors:
        raise InvalidRefundItems("Some items cannot be refunded.", errors=errors)


async def _provider_refund(uow: UnitOfWork, provider: PaymentProvider, payment: Payment, cmd: RefundCommand,
                           items: list[dict[str, Any]] | None) -> Refund:
    refund_id, now = new_id_str(), utcnow()
    try:
        answer = await provider.refund(intent_id=payment.intent_id, amount_minor=cmd.amount_minor, reason=cmd.reason,
                                       metadata={"orderNo": cmd.order_no, "refundId": refund_id},
                                       idempotency_key=f"refund:{refund_id}")
    except ProviderError as exc:
        raise ProviderFailed(str(exc)) from None
    if answer.status == "failed":
        raise ProviderFailed(f"The provider declined refund {answer.id}.")
    refund = Refund(id=refund_id, payment_id=payment.id, order_no=cmd.order_no, amount_minor=cmd.amount_minor,
                    currency=payment.currency, reason=cmd.reason, items=items, rma_id=cmd.rma_id, full=False,
                    status=answer.status, provider_refund_id=answer.id, created_by=cmd.actor_id, created_at=now)
    uow.session.add(refund)
    return refund
