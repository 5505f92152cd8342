"""Auth's reactions to other domains' events.

An approved (or reinstated) vendor's owner becomes its vendor_admin: the users row gets vendor_id and the role, so
the owner's next login or refresh signs a token carrying `vendorId` and `vendor_admin` (tokens already issued
keep their old claims until they expire). A suspended vendor's owner loses the role (vendor_id stays, as history)
at the next refresh; the services that take vendor writes refuse a suspended vendor at once (kernel.auth).
Vendors also applies the same change synchronously through auth's internal API when an admin changes the status
(read-your-writes); these reactions are the guarantee when that call fails. Handlers are idempotent: the kernel's
inbox skips redelivered events, re-applying the same grant changes nothing, and a change older than the one already
applied (its event arriving after a newer change's synchronous call) is skipped.
"""
from __future__ import annotations

from apps.auth.use_cases.roles import set_vendor_role
from kernel.consumer import Event
from kernel.contracts.vendors import VendorStatusChanged
from kernel.uow import UnitOfWork


async def grant_vendor_admin(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    await set_vendor_role(uow, owner_id=event.data.owner_user_id, vendor_id=event.data.vendor_id, active=True,
                          cause=event.type, changed_at=event.data.changed_at)


async def revoke_vendor_admin(*, uow: UnitOfWork, event: Event[VendorStatusChanged]) -> None:
    await set_vendor_role(uow, owner_id=event.data.owner_user_id, vendor_id=event.data.vendor_id, active=False,
                          cause=event.type, changed_at=event.data.changed_at)


CONSUMERS = {
    "vendor.approved": grant_vendor_admin,
    "vendor.reinstated": grant_vendor_admin,
    "vendor.suspended": revoke_vendor_admin,
}
