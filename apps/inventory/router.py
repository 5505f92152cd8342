"""Inventory routes: public availability and vendor stock (/v1, through the gateway), and the reservations API
for checkout (/internal/v1, service-to-service only, guarded by X-Internal-Token)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from apps.inventory import domain, on_demand, reservations, service
from apps.inventory.orm import Reservation, StockItem
from apps.inventory.schemas import (
    Availability,
    ReservationOut,
    ReserveLine,
    ReserveRequest,
    StockPatch,
    VendorStock,
    VendorStockList,
)
from kernel.auth import VendorScopeDep
from kernel.internal import require_internal_token
from kernel.paging import WidePagingDep
from kernel.service_app import ServiceClientsDep, UowDep

router = APIRouter(prefix="/v1", tags=["inventory"])
internal_router = APIRouter(prefix="/internal/v1", tags=["inventory-internal"],
                            dependencies=[Depends(require_internal_token)])


def _vendor_stock(item: StockItem) -> VendorStock:
    return VendorStock(sku=item.sku, productId=item.product_id, vendorId=item.vendor_id, onHand=item.on_hand,
                       reserved=item.reserved, available=item.available, reorderPoint=item.reorder_point,
                       safetyStock=item.safety_stock, lowStock=domain.is_low(item.available, item.reorder_point),
                       updatedAt=item.updated_at)


def _reservation(r: Reservation) -> ReservationOut:
    return ReservationOut(reservationId=r.id, reference=r.reference, status=r.status, expiresAt=r.expires_at,
                          createdAt=r.created_at, closedAt=r.closed_at,
                          items=[ReserveLine(sku=line.sku, qty=line.qty) for line in r.items])


@router.get("/inventory/{sku}", response_model=Availability)
async def availability(sku: str, uow: UowDep) -> Availability:
    async with uow:
        item = await service.get_stock(uow=uow, sku=sku)
    return Availability(sku=item.sku, available=item.available, onHand=item.on_hand, reserved=item.reserved)


@router.get("/vendors/{vendorId}/inventory", response_model=VendorStockList)
async def vendor_inventory(vendorId: str, uow: UowDep, _: VendorScopeDep, *,  # noqa: N803 - API.md's name
                           low_stock: Annotated[bool, Query(alias="lowStock")] = False,
                           paging: WidePagingDep) -> VendorStockList:
    async with uow:
        items, total = await service.list_vendor_stock(uow=uow, vendor_id=vendorId, low_only=low_stock,
                                                       page=paging.page, per_page=paging.per_page)
    return VendorStockList.of([_vendor_stock(i) for i in items], total, paging)


@router.patch("/vendors/{vendorId}/inventory/{sku}", response_model=VendorStock)
async def adjust(vendorId: str, sku: str, body: StockPatch, uow: UowDep,  # noqa: N803 - API.md's name
                 _: VendorScopeDep, clients: ServiceClientsDep) -> VendorStock:
    change = service.StockChange(on_hand=body.on_hand, delta=body.delta, reorder_point=body.reorder_point,
                                 safety_stock=body.safety_stock)
    item = await on_demand.adjust_stock(uow=uow, clients=clients, vendor_id=vendorId, sku=sku, change=change)
    return _vendor_stock(item)


@internal_router.post("/reservations", status_code=status.HTTP_201_CREATED, response_model=ReservationOut)
async def reserve(body: ReserveRequest, uow: UowDep, request: Request) -> ReservationOut:
    ttl = body.ttl_minutes or request.app.state.settings.reservation_ttl_minutes
    reservation = await reservations.reserve(uow=uow, reference=body.reference, ttl_minutes=ttl,
                                             lines=[(line.sku, line.qty) for line in body.items])
    return _reservation(reservation)


@internal_router.get("/reservations/{reservation_id}", response_model=ReservationOut)
async def get_reservation(reservation_id: str, uow: UowDep) -> ReservationOut:
    async with uow:
        return _reservation(await reservations.get_reservation(uow=uow, reservation_id=reservation_id))


@internal_router.post("/reservations/{reservation_id}/commit", response_model=ReservationOut)
async def commit(reservation_id: str, uow: UowDep) -> ReservationOut:
    reservation = await reservations.commit(uow=uow, reservation_id=reservation_id)
    return _reservation(reservation)


@internal_router.post("/reservations/{reservation_id}/release", response_model=ReservationOut)
async def release(reservation_id: str, uow: UowDep) -> ReservationOut:
    reservation = await reservations.release(uow=uow, reservation_id=reservation_id)
    return _reservation(reservation)
