"""Auth's reactions to other domains' events.

An approved (or reinstated) vendor's owner becomes its vendor_admin: the users row gets vendor_id and the role, so
the owner's next login or refresh signs a token carrying `vendorId` and `vendor_admin` (tokens already issued
keep their old claims until they expire). A suspended vendor's owner loses the role (vendor_id stays, as history)
at the next refresh; the services that take vendor writes refuse a suspended vendor at once (kernel.auth).
Vendors also applies the same change synchronously through auth's internal API when an admin changes the status
(read-your-writes); these reactions are the guarantee when that call fails. Handlers are idempotent: the kernel's inbox skips redelivered events,
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


async def set_vendor_role(uow: UnitOfWork, *, owner_id: str, vendor_id: str, active: bool,
                          cause: str) -> User | None:
    """Grant (active) or revoke the owner's vendor_admin role; idempotent. None for malformed or unknown ids."""
    if not (is_uuid(owner_id) and is_uuid(vendor_id)):
        log.warning("auth.vendor_role_skipped", reason="malformed ids", cause=cause)
        return None
    user = await uow.session.scalar(select(User).where(User.id == owner_id).with_for_update())
    if user is None:  # retrying cannot make an unknown account appear; skip instead of dead-lettering later
        log.warning("auth.vendor_role_skipped", reason="unknown user", cause=cause, user_id=owner_id)
        return None
    if active:
        if user.vendor_id != vendor_id:
            user.vendor_id = vendor_id
        if VENDOR_ROLE not in user.roles:
            user.roles = [*user.roles, VENDOR_ROLE]
    elif user.vendor_id == vendor_id and VENDOR_ROLE in user.roles:
        user.roles = [r for r in user.roles if r != VENDOR_ROLE]
    log.info("auth.vendor_role_set", user_id=user.id, vendor_id=vendor_id, active=active, cause=cause)
    return user


async def grant_vendor_admin(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    await set_vendor_role(uow, owner_id=event.data.owner_user_id, vendor_id=event.data.vendor_id, active=True,
                          cause=event.type)


async def revoke_vendor_admin(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    await set_vendor_role(uow, owner_id=event.data.owner_user_id, vendor_id=event.data.vendor_id, active=False,
                          cause=event.type)


CONSUMERS = {
    "vendor.approved": grant_vendor_admin,
    "vendor.reinstated": grant_vendor_admin,
    "vendor.suspended": revoke_vendor_admin,
}
