"""Reactions to the vendors domain: keep the vendors projection current, and re-index affected products."""
from __future__ import annotations

import structlog

from apps.catalog.ratings import on_review_moderated
from apps.catalog.vendor_projection import request_reindex, upsert_vendor
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("catalog.consumers")

# The status each event implies when its payload does not carry one (kernel.contracts.vendors always does).
STATUS_BY_EVENT = {
    "vendor.applied": "pending",
    "vendor.updated": "pending",
    "vendor.approved": "active",
    "vendor.reinstated": "active",
    "vendor.suspended": "suspended",
    "vendor.rejected": "rejected",
}


async def on_vendor_status(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    vendor_id = str(data.get("vendorId") or "")
    if not is_uuid(vendor_id):
        log.warning("catalog.vendor_event_without_id", event_id=event.event_id, event_type=event.type)
        return
    status = str(data.get("status") or STATUS_BY_EVENT[event.type])[:32]
    change = await upsert_vendor(uow, vendor_id=vendor_id, name=str(data.get("name") or ""),
                                 slug=str(data.get("slug") or ""), status=status, occurred_at=event.occurred_at)
    if change is not None and change.visibility_changed:
        await request_reindex(uow, change, reason=event.type)


HANDLERS: dict[str, Handler] = {
    **{event_type: on_vendor_status for event_type in STATUS_BY_EVENT},
    "review.approved": on_review_moderated,
    "review.rejected": on_review_moderated,
}
