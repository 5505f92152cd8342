"""Payments' side of fraud screening (serving's fraud.decided and fraud.review.decided):

- review → "hold": no payment intent is created for the order (409) until the risk team decides — capture waits;
- approve after a hold → "released": the shopper can pay;
- reject → "rejected": what was captured is refunded in full through the staff refund use case (same provider
  call, same events: payment.refunded, which orders follows), and a capture that lands later (an intent created
  before the decision) is refunded as soon as it arrives.
"""
from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.payments.exceptions import OrderNotPayable
from apps.payments.orm import FraudFlag, Payment
from apps.payments.providers.base import PaymentProvider
from apps.payments.repository import PaymentRepository
from apps.payments.use_cases.refund_order import RefundCommand, refund_order
from kernel.clock import utcnow
from kernel.consumer import Event
from kernel.contracts.fraud import FraudDecided, FraudReviewDecided
from kernel.uow import UnitOfWork

log = structlog.get_logger("payments.fraud")
STATUS_BY_DECISION = {"review": "hold", "reject": "rejected", "approve": "released"}


async def flag_of(uow: UnitOfWork, order_no: str) -> str | None:
    return await uow.repository(PaymentRepository).fraud_flag(order_no)


async def check_payable(uow: UnitOfWork, order_no: str) -> None:
    status = await flag_of(uow, order_no)
    if status == "hold":
        raise OrderNotPayable(f"Order {order_no} is on hold for fraud review; it can be paid once it is approved.")
    if status == "rejected":
        raise OrderNotPayable(f"Order {order_no} was rejected by fraud screening; there is nothing to pay.")


async def _set(uow: UnitOfWork, order_no: str, status: str) -> None:
    now = utcnow()
    await uow.session.execute(insert(FraudFlag).values(order_no=order_no, status=status, updated_at=now)
                              .on_conflict_do_update(index_elements=["order_no"],
                                                     set_={"status": status, "updated_at": now}))


async def refund_if_captured(uow: UnitOfWork, provider: PaymentProvider, order_no: str) -> bool:
    """Refund whatever is left of the order's captured payment (idempotent: nothing left, nothing done)."""
    payment = await uow.session.scalar(select(Payment).where(Payment.order_no == order_no))
    if payment is None or payment.refunded_minor >= payment.amount_minor:
        return False
    await refund_order(uow=uow, provider=provider, cmd=RefundCommand(
        order_no=order_no, amount_minor=payment.amount_minor - payment.refunded_minor, reason="fraud",
        items=None, rma_id=None, actor_id=None, idempotency_key=f"fraud:{order_no}"))
    log.info("payments.fraud_refunded", order_no=order_no)
    return True


def build_reactions(provider: PaymentProvider) -> dict:
    async def on_decision(*, uow: UnitOfWork, event: Event[FraudDecided | FraudReviewDecided]) -> None:
        order_no, decision = event.data.order_no, event.data.decision
        if decision not in STATUS_BY_DECISION or not getattr(event.data, "enforced", True):
            return  # unusable, or shadow mode (scored for measurement, not acted on)
        current = await flag_of(uow, order_no)
        if decision == "approve" and current is None:
            return  # an order the model let through: nothing to remember
        if current == "rejected":
            return  # final
        await _set(uow, order_no, STATUS_BY_DECISION[decision])
        if decision == "reject":
            await refund_if_captured(uow, provider, order_no)

    return {"fraud.decided": on_decision, "fraud.review.decided": on_decision}
