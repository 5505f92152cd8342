"""A customer applies to sell: one application per owner, a pending vendor with a free slug."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from apps.vendors import domain
from apps.vendors.exceptions import VendorAlreadyExists
from apps.vendors.orm import Vendor
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


async def _free_slug(uow: UnitOfWork, name: str, vendor_id: str) -> str:
    base = domain.slugify(name)
    if base and not await uow.repository(VendorRepository).slug_taken(base):
        return base
    return domain.unique_slug(base, vendor_id.replace("-", "")[-8:])


@use_case
async def apply(*, uow: UnitOfWork, owner: CurrentUser, name: str, support_email: str,
                support_phone: str | None, vendor_id: str | None = None, at: datetime | None = None) -> Vendor:
    """`vendor_id` and `at` (when it applied) are for imports that must keep ids and history."""
    if await uow.repository(VendorRepository).vendor_of_owner(owner.id) is not None:
        raise VendorAlreadyExists("This account already has a vendor application.")
    vendor_id, at = vendor_id or new_id_str(), at or utcnow()
    vendor = Vendor(id=vendor_id, owner_user_id=owner.id, name=name, slug=await _free_slug(uow, name, vendor_id),
                    status=domain.VendorStatus.PENDING.value, support_email=str(support_email).lower(),
                    support_phone=support_phone, created_at=at, updated_at=at)
    try:
        await uow.repository(VendorRepository).add(vendor)
    except IntegrityError as exc:  # a concurrent application by the same owner (or for the same slug) won
        raise VendorAlreadyExists("A vendor application for this account or name was just made.") from exc
    uow.emit("vendor.applied", {"vendorId": vendor.id, "ownerUserId": owner.id, "name": vendor.name,
                                "slug": vendor.slug, "status": vendor.status, "appliedAt": at}, key=vendor.id,
             occurred_at=at)
    return vendor
