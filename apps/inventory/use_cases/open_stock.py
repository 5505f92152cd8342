"""Stock rows (on hand 0) for a catalog product's SKUs, when product.created/updated arrives or a vendor sets stock
before it did (open_on_demand.py). SKUs that already have a row are left alone, so a repeat changes nothing."""
from __future__ import annotations

import structlog

from apps.inventory.orm import SKU_MAX
from apps.inventory.queries import valid_sku
from apps.inventory.repository import InventoryRepository
from kernel.clock import utcnow
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("inventory")


@use_case
async def create_stock_for_product(*, uow: UnitOfWork, product_id: str, vendor_id: str,
                                   skus: list[str]) -> list[str]:
    if not is_uuid(product_id) or not is_uuid(vendor_id):
        log.warning("inventory.product_ignored", reason="bad ids", product_id=product_id, vendor_id=vendor_id)
        return []
    wanted = sorted({s for s in skus if valid_sku(s)})
    if len(wanted) != len(set(skus)):
        log.warning("inventory.skus_ignored", product_id=product_id, reason=f"SKU longer than {SKU_MAX}")
    if not wanted:
        return []
    now = utcnow()
    created = sorted(await uow.repository(InventoryRepository).open_rows(
        [{"sku": s, "vendor_id": vendor_id, "product_id": product_id, "created_at": now, "updated_at": now}
         for s in wanted]))
    for sku in created:
        uow.emit("inventory.adjusted", {
            "sku": sku, "vendorId": vendor_id, "productId": product_id, "onHand": 0, "reserved": 0,
            "available": 0, "delta": 0, "reason": "created", "reorderPoint": 0, "safetyStock": 0, "at": now},
            key=sku)
    return created
