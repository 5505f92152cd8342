"""Staff refunds, vendor earnings and payouts (API.md § Orders & payments, § Vendors: earnings & payouts)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import JSONResponse

from apps.payments import payouts, refunds
from apps.payments.dependencies import IdempotencyKeyDep, OptionalIdempotencyKeyDep, ProviderDep, VendorIdDep
from apps.payments.orm import ORDER_NO_MAX, Earning, Payout
from apps.payments.schemas import (
    CURRENCY_PATTERN,
    EarningOut,
    EarningsOut,
    PayoutIn,
    PayoutList,
    PayoutOut,
    PayoutPatch,
    RefundIn,
    RefundOut,
)
from kernel.auth import AdminDep, StaffDep, VendorScopeDep
from kernel.paging import WidePagingDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["payments-money"])
OrderNo = Annotated[str, Path(min_length=1, max_length=ORDER_NO_MAX)]


def _json(model, code: int) -> JSONResponse:
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


@router.post("/admin/orders/{orderNo}/refunds", status_code=status.HTTP_201_CREATED, response_model=RefundOut)
async def refund(orderNo: OrderNo, body: RefundIn, uow: UowDep, staff: StaffDep,  # noqa: N803 - public name
                 provider: ProviderDep, key: OptionalIdempotencyKeyDep) -> JSONResponse:
    cmd = refunds.RefundCommand(order_no=orderNo, amount_minor=body.amount_minor, reason=body.reason,
                                items=[i.model_dump() for i in body.items] if body.items is not None else None,
                                rma_id=body.rma_id, actor_id=staff.id, idempotency_key=key)
    async with uow:
        code, answer = await refunds.refund_order(uow=uow, provider=provider, cmd=cmd)
        await uow.commit()
    return _json(RefundOut.model_validate(answer), code)


@router.get("/vendors/{vendorId}/earnings", response_model=EarningsOut)
async def vendor_earnings(_: VendorScopeDep, vendor_id: VendorIdDep, uow: UowDep, paging: WidePagingDep,
                          currency: Annotated[str, Query(pattern=CURRENCY_PATTERN)] = "USD") -> EarningsOut:
    async with uow:
        totals = await payouts.balances(uow, vendor_id, currency)
        items, total = await payouts.list_earnings(uow, vendor_id=vendor_id, currency=currency,
                                                   page=paging.page, per_page=paging.per_page)
    return EarningsOut.of([earning_out(e) for e in items], total, paging, vendorId=vendor_id, currency=currency,
                          **totals)


@router.post("/vendors/{vendorId}/payout-request", status_code=status.HTTP_201_CREATED, response_model=PayoutOut)
async def payout_request(user: VendorScopeDep, vendor_id: VendorIdDep, body: PayoutIn, uow: UowDep,
                         key: IdempotencyKeyDep) -> JSONResponse:
    async with uow:
        code, answer = await payouts.request_payout(uow=uow, vendor_id=vendor_id, amount_minor=body.amount_minor,
                                                    currency=body.currency, idempotency_key=key, actor_id=user.id)
        await uow.commit()
    return _json(PayoutOut.model_validate(answer), code)


@router.patch("/admin/payouts/{payoutId}", response_model=PayoutOut)
async def change_payout(payoutId: str, body: PayoutPatch, uow: UowDep, _: AdminDep) -> PayoutOut:  # noqa: N803
    async with uow:
        payout = await payouts.change_status(uow=uow, payout_id=payoutId, target=body.status, note=body.note)
        await uow.commit()
    return payout_out(payout)


@router.get("/admin/payouts", response_model=PayoutList)
async def list_payouts(uow: UowDep, _: AdminDep, paging: WidePagingDep,
                       status_filter: Annotated[Literal["requested", "processing", "paid", "failed"] | None,
                                                Query(alias="status")] = None,
                       vendor_id: Annotated[str | None, Query(alias="vendorId", max_length=64)] = None) -> PayoutList:
    async with uow:
        rows, total = await payouts.list_payouts(uow, status=status_filter, vendor_id=vendor_id,
                                                 page=paging.page, per_page=paging.per_page)
    return PayoutList.of([payout_out(p) for p in rows], total, paging)
