"""Public availability of a SKU and a vendor's own stock (API.md § Inventory): thin — schema in, use case or
query, schema out."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from apps.inventory import domain, queries
from apps.inventory.orm import StockItem
from apps.inventory.schemas import Availability, StockPatch, VendorStock, VendorStockList
from apps.inventory.use_cases.adjust_stock import StockChange
from apps.inventory.use_cases.open_on_demand import adjust_stock_opening_on_demand
from kernel.auth import VendorScopeDep
from kernel.paging import WidePagingDep
from kernel.service_app import ServiceClientsDep, UowDep

router = APIRouter(prefix="/v1", tags=["inventory"])


def _vendor_stock(item: StockItem) -> VendorStock:
    return VendorStock(sku=item.sku, productId=item.product_id, vendorId=item.vendor_id, onHand=item.on_hand,
                       reserved=item.reserved, available=item.available, reorderPoint=item.reorder_point,
                       safetyStock=item.safety_stock, lowStock=domain.is_low(item.available, item.reorder_point),
                       updatedAt=item.updated_at)


@router.get("/inventory/{sku}", response_model=Availability)
async def availability(sku: str, uow: UowDep) -> Availability:
    async with uow.reading():
        item = await queries.get_stock(uow=uow, sku=sku)
    return Availability(sku=item.sku, available=item.available, onHand=item.on_hand, reserved=item.reserved)


@router.get("/vendors/{vendorId}/inventory", response_model=VendorStockList)
async def vendor_inventory(vendorId: str, uow: UowDep, _: VendorScopeDep, *,  # noqa: N803 - API.md's name
                           low_stock: Annotated[bool, Query(alias="lowStock")] = False,
                           paging: WidePagingDep) -> VendorStockList:
    async with uow.reading():
        found = await queries.list_vendor_stock(uow=uow, vendor_id=vendorId, low_only=low_stock, paging=paging)
    return VendorStockList.of([_vendor_stock(i) for i in found.items], found.total, paging)


@router.patch("/vendors/{vendorId}/inventory/{sku}", response_model=VendorStock)
async def adjust(vendorId: str, sku: str, body: StockPatch, uow: UowDep,  # noqa: N803 - API.md's name
                 _: VendorScopeDep, clients: ServiceClientsDep) -> VendorStock:
    change = StockChange(on_hand=body.on_hand, delta=body.delta, reorder_point=body.reorder_point,
                         safety_stock=body.safety_stock)
    item = await adjust_stock_opening_on_demand(uow=uow, clients=clients, vendor_id=vendorId, sku=sku,
                                                change=change)
    return _vendor_stock(item)
