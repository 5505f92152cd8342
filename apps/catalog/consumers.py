"""Reactions to the vendors domain: keep the vendors projection current, and re-index affected products."""
from __future__ import annotations

import structlog

from apps.catalog.projections.reviews import on_review_moderated
from apps.catalog.projections.vendors import request_reindex, upsert_vendor
from kernel.consumer import Event, Handler
from kernel.contracts.vendors import VendorApplied, VendorStatusChanged, VendorUpdated
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("catalog.consumers")

VENDOR_EVENTS = ("vendor.applied", "vendor.updated", "vendor.approved", "vendor.reinstated", "vendor.suspended",
                 "vendor.rejected")


async def on_vendor_status(*, uow: UnitOfWork,
                           event: Event[VendorApplied | VendorStatusChanged | VendorUpdated]) -> None:
    data = event.data
    if not is_uuid(data.vendor_id):
        log.warning("catalog.vendor_event_without_id", event_id=event.event_id, event_type=event.type)
        return
    change = await upsert_vendor(uow, vendor_id=data.vendor_id, name=data.name, slug=data.slug,
                                 status=data.status, occurred_at=event.occurred_at)
    if change is not None and change.visibility_changed:
        await request_reindex(uow, change, reason=event.type)


HANDLERS: dict[str, Handler] = {
    **{event_type: on_vendor_status for event_type in VENDOR_EVENTS},
    "review.approved": on_review_moderated,
    "review.rejected": on_review_moderated,
}
