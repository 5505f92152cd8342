"""Shopper and vendor order routes (API.md § Orders & payments): thin — schema in, use case, schema out."""
from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from apps.orders import views
from apps.orders.dependencies import (
    CheckoutKeysDep,
    CheckoutSlotDep,
    ClientsDep,
    IdempotencyKeyDep,
    OwnVendorDep,
    PagingDep,
    SettingsDep,
    ShopperDep,
    StatusQuery,
)
from apps.orders.schemas import (
    OrderCreate,
    OrderOut,
    OrderPage,
    ReturnCreate,
    ReturnOut,
    ShipIn,
    VendorOrderOut,
    VendorOrderPage,
)
from apps.orders.use_cases import fulfilment, queries, returns
from apps.orders.use_cases.place_order import PlaceOrder, place_order
from kernel.client_signals import client_signals
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["orders"])


@router.post("/orders", status_code=status.HTTP_201_CREATED, response_model=OrderOut,
             responses={400: {"description": "no Idempotency-Key header"},
                        409: {"description": "insufficient stock (nothing reserved) or coupon used up"},
                        422: {"description": "empty cart, bad address, or the key reused with another body"}})
async def create_order(body: OrderCreate, request: Request, user: ShopperDep, key: IdempotencyKeyDep,
                       uow: UowDep, keys: CheckoutKeysDep, clients: ClientsDep, settings: SettingsDep,
                       _: CheckoutSlotDep) -> JSONResponse:
    placed = await place_order(uow=uow, keys=keys, clients=clients, settings=settings,
                               cmd=PlaceOrder(user_id=user.id, idempotency_key=key, cmd=body,
                                              signals=client_signals(request)), answer=views.order_json)
    headers = {"Idempotent-Replayed": "true"} if placed.replayed else {}
    return JSONResponse(placed.body, status_code=placed.status_code, headers=headers)


@router.get("/orders/{orderNo}", response_model=OrderOut)
async def get_order(orderNo: str, user: ShopperDep, uow: UowDep) -> OrderOut:  # noqa: N803 - API.md's name
    async with uow.reading():
        return views.order_out(await queries.order_for(uow, orderNo, user))


@router.get("/me/orders", response_model=OrderPage)
async def my_orders(user: ShopperDep, uow: UowDep, paging: PagingDep, status: StatusQuery = None) -> OrderPage:
    async with uow.reading():
        page = await queries.list_for_user(uow, user.id, status=status, page=paging.page, per_page=paging.per_page)
    return OrderPage(items=[views.order_out(o) for o in page.items], total=page.total, page=page.page,
                     perPage=page.per_page)


@router.post("/orders/{orderNo}/returns", status_code=status.HTTP_201_CREATED, response_model=ReturnOut)
async def request_return(orderNo: str, body: ReturnCreate, user: ShopperDep,  # noqa: N803 - API.md's name
                         uow: UowDep) -> ReturnOut:
    rma, order = await returns.request_return(uow=uow, user_id=user.id, order_no=orderNo, lines=body.items,
                                              reason=body.reason)
    return views.return_out(rma, order)


@router.get("/vendors/{vendorId}/orders", response_model=VendorOrderPage)
async def vendor_orders(vendor_id: OwnVendorDep, uow: UowDep, paging: PagingDep,
                        status: StatusQuery = None) -> VendorOrderPage:
    async with uow.reading():
        page = await queries.list_for_vendor(uow, vendor_id, status=status, page=paging.page,
                                             per_page=paging.per_page)
    return VendorOrderPage(items=[views.vendor_order_out(o, vendor_id) for o in page.items], total=page.total,
                           page=page.page, perPage=page.per_page)


@router.patch("/vendors/{vendorId}/orders/{orderNo}/items/{sku}/ship", response_model=VendorOrderOut)
async def ship_item(vendor_id: OwnVendorDep, orderNo: str, sku: str, body: ShipIn,  # noqa: N803 - API.md's name
                    uow: UowDep) -> VendorOrderOut:
    order = await fulfilment.vendor_ship(uow=uow, vendor_id=vendor_id, order_no=orderNo, sku=sku,
                                         carrier=body.carrier, tracking_no=body.tracking_no)
    return views.vendor_order_out(order, vendor_id)
