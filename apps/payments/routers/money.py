"""Staff refunds, vendor earnings and payouts (API.md § Orders & payments, § Vendors: earnings & payouts)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import JSONResponse

from apps.payments import queries
from apps.payments.dependencies import IdempotencyKeyDep, OptionalIdempotencyKeyDep, ProviderDep, VendorIdDep
from apps.payments.orm import ORDER_NO_MAX
from apps.payments.schemas import (
    CURRENCY_PATTERN,
    EarningsOut,
    PayoutIn,
    PayoutList,
    PayoutOut,
    PayoutPatch,
    RefundIn,
    RefundOut,
)
from apps.payments.use_cases import process_payout, refund_order, request_payout
from apps.payments.views import answer, earning_out, payout_out
from kernel.auth import AdminDep, StaffDep, VendorScopeDep
from kernel.paging import WidePagingDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["payments-money"])
OrderNo = Annotated[str, Path(min_length=1, max_length=ORDER_NO_MAX)]


@router.post("/admin/orders/{orderNo}/refunds", status_code=status.HTTP_201_CREATED, response_model=RefundOut)
async def refund(orderNo: OrderNo, body: RefundIn, uow: UowDep, staff: StaffDep,  # noqa: N803 - public name
                 provider: ProviderDep, key: OptionalIdempotencyKeyDep) -> JSONResponse:
    cmd = refund_order.RefundCommand(order_no=orderNo, amount_minor=body.amount_minor, reason=body.reason,
                                    items=[i.model_dump() for i in body.items] if body.items is not None else None,
                                    rma_id=body.rma_id, actor_id=staff.id, idempotency_key=key)
    code, body_out = await refund_order.refund_order(uow=uow, provider=provider, cmd=cmd)
    return answer(RefundOut.model_validate(body_out), code)


@router.get("/vendors/{vendorId}/earnings", response_model=EarningsOut)
async def vendor_earnings(_: VendorScopeDep, vendor_id: VendorIdDep, uow: UowDep, paging: WidePagingDep,
                          currency: Annotated[str, Query(pattern=CURRENCY_PATTERN)] = "USD") -> EarningsOut:
    async with uow.reading():
        totals = await queries.balances(uow, vendor_id, currency)
        items, total = await queries.list_earnings(uow, vendor_id=vendor_id, currency=currency,
                                                   page=paging.page, per_page=paging.per_page)
    return EarningsOut.of([earning_out(e) for e in items], total, paging, vendorId=vendor_id, currency=currency,
                          **totals)


@router.post("/vendors/{vendorId}/payout-request", status_code=status.HTTP_201_CREATED, response_model=PayoutOut)
async def payout_request(user: VendorScopeDep, vendor_id: VendorIdDep, body: PayoutIn, uow: UowDep,
                         key: IdempotencyKeyDep) -> JSONResponse:
    code, body_out = await request_payout.request_payout(uow=uow, vendor_id=vendor_id, amount_minor=body.amount_minor,
                                                         currency=body.currency, idempotency_key=key,
                                                         actor_id=user.id)
    return answer(PayoutOut.model_validate(body_out), code)


@router.patch("/admin/payouts/{payoutId}", response_model=PayoutOut)
async def change_payout(payoutId: str, body: PayoutPatch, uow: UowDep, _: AdminDep) -> PayoutOut:  # noqa: N803
    return payout_out(await process_payout.change_status(uow=uow, payout_id=payoutId, target=body.status,
                                                         note=body.note))


@router.get("/admin/payouts", response_model=PayoutList)
async def list_payouts(uow: UowDep, _: AdminDep, paging: WidePagingDep,
                       status_filter: Annotated[Literal["requested", "processing", "paid", "failed"] | None,
                                                Query(alias="status")] = None,
                       vendor_id: Annotated[str | None, Query(alias="vendorId", max_length=64)] = None) -> PayoutList:
    async with uow.reading():
        rows, total = await queries.list_payouts(uow, status=status_filter, vendor_id=vendor_id,
                                                 page=paging.page, per_page=paging.per_page)
    return PayoutList.of([payout_out(p) for p in rows], total, paging)
