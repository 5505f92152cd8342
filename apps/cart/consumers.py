"""Reactions to catalog and vendor events: keep the SKU and vendor projections current, so the cart can tell what
may be added and at what price without calling the catalog while a shopper waits."""
from __future__ import annotations

import structlog

from apps.cart import projections
from kernel.consumer import Event, Handler
from kernel.contracts.catalog import ProductChanged, ProductPriceUpdated
from kernel.contracts.vendors import VendorApplied, VendorStatusChanged, VendorUpdated
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("cart.consumers")

PRODUCT_SNAPSHOTS = ("product.created", "product.updated", "product.approved", "product.archived",
                     "product.rejected")
VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.reinstated", "vendor.suspended", "vendor.rejected",
                 "vendor.updated")


async def on_product(*, uow: UnitOfWork, event: Event[ProductChanged]) -> None:
    count = await projections.apply_product(uow, event.data, event.occurred_at)
    if count == 0:
        log.warning("cart.product_event_skipped", event_id=event.event_id, event_type=event.type)


async def on_price(*, uow: UnitOfWork, event: Event[ProductPriceUpdated]) -> None:
    await projections.apply_price(uow, event.data, event.occurred_at)


async def on_vendor(*, uow: UnitOfWork, event: Event[VendorApplied | VendorStatusChanged | VendorUpdated]) -> None:
    if not is_uuid(event.data.vendor_id):
        log.warning("cart.vendor_event_skipped", event_id=event.event_id, event_type=event.type)
        return
    await projections.apply_vendor(uow, event.data.vendor_id, event.data.status, event.occurred_at)


HANDLERS: dict[str, Handler] = {
    **{event_type: on_product for event_type in PRODUCT_SNAPSHOTS},
    "product.price.updated": on_price,
    **{event_type: on_vendor for event_type in VENDOR_EVENTS},
}
