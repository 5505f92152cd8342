"""Staff and admin order routes (/v1/admin/orders, /v1/admin/returns) and the internal order lookup that
payments and shipping call (/internal/v1, service-to-service only, X-Internal-Token)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from apps.orders import views
from apps.orders.dependencies import ClientsDep, PagingDep, PaymentStatusQuery, StatusQuery
from apps.orders.schemas import (InternalOrderOut, OrderOut, OrderPage, ReturnOut, ReturnPage, ReturnPatch,
                                 StatusPatch)
from apps.orders.use_cases import queries, returns, transitions
from apps.orders.use_cases.common import get_order
from kernel.auth import StaffDep
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1/admin", tags=["orders-admin"])
internal_router = APIRouter(prefix="/internal/v1", tags=["orders-internal"],
                            dependencies=[Depends(require_internal_token)])


@router.get("/orders", response_model=OrderPage)
async def list_orders(_: StaffDep, uow: UowDep, paging: PagingDep, status: StatusQuery = None,
                      payment_status: PaymentStatusQuery = None,
                      user_id: Annotated[str | None, Query(alias="userId", max_length=64)] = None) -> OrderPage:
    async with uow.reading():
        page = await queries.list_all(uow, status=status, payment_status=payment_status, user_id=user_id,
                                      page=paging.page, per_page=paging.per_page)
    return OrderPage(items=[views.order_out(o) for o in page.items], total=page.total, page=page.page,
                     perPage=page.per_page)


@router.get("/orders/{id}", response_model=OrderOut)
async def get_any_order(id: str, _: StaffDep, uow: UowDep) -> OrderOut:  # noqa: A002 - API.md's name
    async with uow.reading():
        return views.order_out(await get_order(uow, id))


@router.patch("/orders/{id}/status", response_model=OrderOut, responses={409: {"description": "illegal change"}})
async def set_status(id: str, body: StatusPatch, _: StaffDep, uow: UowDep,  # noqa: A002 - API.md's name
                     clients: ClientsDep) -> OrderOut:
    order = await transitions.admin_set_status(uow=uow, clients=clients, ref=id, target=body.status,
                                               text=body.note)
    return views.order_out(order)


@router.get("/returns", response_model=ReturnPage)
async def list_returns(_: StaffDep, uow: UowDep, paging: PagingDep,
                       status: Annotated[Literal["requested", "approved", "received", "rejected"] | None,
                                         Query()] = None) -> ReturnPage:
    async with uow.reading():
        rows, total = await returns.list_returns(uow, status=status, page=paging.page, per_page=paging.per_page)
    return ReturnPage(items=[views.return_out(rma, order) for rma, order in rows], total=total, page=paging.page,
                      perPage=paging.per_page)


@router.patch("/returns/{rmaId}", response_model=ReturnOut, responses={409: {"description": "illegal change"}})
async def update_return(rmaId: str, body: ReturnPatch, _: StaffDep, uow: UowDep) -> ReturnOut:  # noqa: N803
    rma, order = await returns.update_return(uow=uow, rma_id=rmaId, target=body.status, text=body.note)
    return views.return_out(rma, order)


@internal_router.get("/orders/{orderNo}", response_model=InternalOrderOut)
async def internal_order(orderNo: str, uow: UowDep) -> InternalOrderOut:  # noqa: N803 - the documented name
    async with uow.reading():
        return views.internal_order_out(await get_order(uow, orderNo))
