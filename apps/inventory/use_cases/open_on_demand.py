"""Read-your-writes for a vendor's new SKU: stock rows normally open when product.created reaches inventory, but a
vendor who sets stock right after creating the product must not get a 404 meanwhile. On a miss, inventory asks the
catalog (its internal API, the source of truth for who owns a SKU) and, when the SKU is this vendor's, opens the
product's rows exactly as the event would (the later event then finds them and changes nothing)."""
from __future__ import annotations

from urllib.parse import quote

from apps.inventory.exceptions import StockItemNotFound
from apps.inventory.orm import StockItem
from apps.inventory.use_cases.adjust_stock import StockChange, adjust_stock
from apps.inventory.use_cases.open_stock import create_stock_for_product
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def _open_then_adjust(*, uow: UnitOfWork, vendor_id: str, sku: str, change: StockChange,
                            owner: dict) -> StockItem:
    await create_stock_for_product(uow=uow, product_id=str(owner.get("productId")), vendor_id=vendor_id,
                                   skus=[str(s) for s in owner.get("skus") or [sku]])
    return await adjust_stock(uow=uow, vendor_id=vendor_id, sku=sku, change=change)


async def adjust_stock_opening_on_demand(*, uow: UnitOfWork, clients: ServiceClients, vendor_id: str, sku: str,
                                         change: StockChange) -> StockItem:
    """adjust_stock, and on a missing SKU the catalog's answer opens it (one more unit of work, one commit)."""
    try:
        return await adjust_stock(uow=uow, vendor_id=vendor_id, sku=sku, change=change)
    except StockItemNotFound:
        if change == StockChange() or not sku or len(sku) > 64:
            raise
        owner = await clients.get_json("catalog", f"/internal/v1/skus/{quote(sku, safe='')}", what=f"SKU {sku!r}")
        # Another vendor's SKU stays indistinguishable from a missing one.
        if owner is None or owner.get("vendorId") != vendor_id:
            raise
        return await _open_then_adjust(uow=uow, vendor_id=vendor_id, sku=sku, change=change, owner=owner)
