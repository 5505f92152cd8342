"""The owner (or an admin) edits the vendor's profile; only fields that really change are written and announced."""
from __future__ import annotations

from apps.vendors.orm import Vendor
from apps.vendors.queries import managed_vendor
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def update_profile(*, uow: UnitOfWork, vendor_id: str, user: CurrentUser, changes: dict) -> Vendor:
    vendor = await managed_vendor(uow, vendor_id, user, lock=True)
    if changes.get("support_email"):
        changes = {**changes, "support_email": str(changes["support_email"]).lower()}
    changed = [field for field, value in changes.items() if getattr(vendor, field) != value]
    if not changed:
        return vendor
    for field in changed:
        setattr(vendor, field, changes[field])
    vendor.updated_at = utcnow()
    await uow.repository(VendorRepository).flush()
    uow.emit("vendor.updated", {"vendorId": vendor.id, "name": vendor.name, "slug": vendor.slug,
                                "status": vendor.status, "changedFields": [_camel(f) for f in changed],
                                "updatedAt": vendor.updated_at}, key=vendor.id)
    return vendor


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(p.title() for p in rest)
