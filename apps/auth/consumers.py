"""Auth's reactions to other domains' events.

An approved (or reinstated) vendor's owner becomes its vendor_admin: the users row gets vendor_id and the role, so
the owner's next login or refresh signs a token carrying `vendorId` and `vendor_admin` (tokens already issued
keep their old claims until they expire). Handlers are idempotent: the kernel's inbox skips redelivered events,
and re-applying the same grant changes nothing.
"""
from __future__ import annotations

import structlog
from sqlalchemy import select

from apps.auth.orm import User
from kernel.consumer import Event
from kernel.contracts.vendors import VendorStatusChanged
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("auth.consumers")
VENDOR_ROLE = "vendor_admin"


async def grant_vendor_admin(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    owner_id, vendor_id = event.data.owner_user_id, event.data.vendor_id
    if not (is_uuid(owner_id) and is_uuid(vendor_id)):
        log.warning("auth.vendor_grant_skipped", reason="malformed ids", event_id=event.event_id)
        return
    user = await uow.session.scalar(select(User).where(User.id == owner_id).with_for_update())
    if user is None:  # retrying cannot make an unknown account appear; skip instead of dead-lettering later
        log.warning("auth.vendor_grant_skipped", reason="unknown user", event_id=event.event_id, user_id=owner_id)
        return
    if user.vendor_id != vendor_id:
        user.vendor_id = vendor_id
    if VENDOR_ROLE not in user.roles:
        user.roles = [*user.roles, VENDOR_ROLE]
    log.info("auth.vendor_admin_granted", user_id=user.id, vendor_id=vendor_id, event_type=event.type)


CONSUMERS = {
    "vendor.approved": grant_vendor_admin,
    "vendor.reinstated": grant_vendor_admin,
}
