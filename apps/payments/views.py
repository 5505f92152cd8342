"""ORM rows and use-case answers → the HTTP answers of schemas.py (one place, shared by the routers)."""
from __future__ import annotations

from pydantic import BaseModel
from fastapi.responses import JSONResponse

from apps.payments.orm import Earning, Payout
from apps.payments.schemas import EarningOut, PayoutOut


def answer(model: BaseModel, code: int) -> JSONResponse:
    """An idempotent use case's (status code, body): 201 the first time, the stored code on a replay."""
    return JSONResponse(model.model_dump(mode="json", by_alias=True), status_code=code)


def payout_out(p: Payout) -> PayoutOut:
    return PayoutOut(payoutId=p.id, vendorId=p.vendor_id, amountMinor=p.amount_minor, currency=p.currency,
                     status=p.status, note=p.note, createdAt=p.created_at, updatedAt=p.updated_at,
                     processedAt=p.processed_at)


def earning_out(e: Earning) -> EarningOut:
    return EarningOut(earningId=e.id, orderNo=e.order_no, currency=e.currency, grossMinor=e.gross_minor,
                      commissionMinor=e.commission_minor, feesMinor=e.fees_minor, netMinor=e.net_minor,
                      refundedMinor=e.refunded_gross_minor, paidMinor=e.paid_minor, status=e.status,
                      eligibleAt=e.eligible_at, createdAt=e.created_at)
