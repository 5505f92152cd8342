"""Reactions to catalog and vendor events: keep the SKU and vendor projections current, so the cart can tell what
may be added and at what price without calling the catalog while a shopper waits."""
from __future__ import annotations

import structlog

from apps.cart import projection
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("cart.consumers")

PRODUCT_SNAPSHOTS = ("product.created", "product.updated", "product.approved", "product.archived",
                     "product.rejected")
# The status each vendor event implies if its payload carries none (kernel.contracts.vendors always does).
VENDOR_STATUS_BY_EVENT = {
    "vendor.applied": "pending",
    "vendor.approved": "active",
    "vendor.reinstated": "active",
    "vendor.suspended": "suspended",
    "vendor.rejected": "rejected",
    "vendor.updated": "pending",
}


async def on_product(*, uow: UnitOfWork, event: Envelope) -> None:
    count = await projection.apply_product(uow, event.data, event.occurred_at)
    if count == 0:
        log.warning("cart.product_event_skipped", event_id=event.event_id, event_type=event.type)


async def on_price(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.apply_price(uow, event.data, event.occurred_at)


async def on_vendor(*, uow: UnitOfWork, event: Envelope) -> None:
    vendor_id = str(event.data.get("vendorId") or "")
    if not is_uuid(vendor_id):
        log.warning("cart.vendor_event_skipped", event_id=event.event_id, event_type=event.type)
        return
    status = str(event.data.get("status") or VENDOR_STATUS_BY_EVENT[event.type])
    await projection.apply_vendor(uow, vendor_id, status, event.occurred_at)


HANDLERS: dict[str, Handler] = {
    **{event_type: on_product for event_type in PRODUCT_SNAPSHOTS},
    "product.price.updated": on_price,
    **{event_type: on_vendor for event_type in VENDOR_STATUS_BY_EVENT},
}
