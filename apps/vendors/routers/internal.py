"""Service-to-service lookup of a vendor's contact (/internal/v1, never routed by the gateway; X-Internal-Token).

Notifications addresses vendor mail (low stock, payouts, the daily vendor summary) to the vendor's support address:
its client already asked GET /internal/v1/vendors/{id}, which did not exist, so every vendor mail fell back to the
owner's account address.
"""
from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends

from apps.vendors import queries
from kernel.api_model import CamelModel
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/internal/v1", tags=["vendors-internal"], dependencies=[Depends(require_internal_token)])


class VendorContact(CamelModel):
    vendor_id: str
    name: str
    status: str
    owner_user_id: str
    support_email: str | None = None
    slug: str | None = None
    updated_at: datetime | None = None


@router.get("/vendors/{vendor_id}", response_model=VendorContact)
async def get_vendor_contact(vendor_id: str, uow: UowDep) -> VendorContact:
    async with uow.reading():
        v = await queries.get_vendor(uow, vendor_id)
    return VendorContact(vendorId=v.id, name=v.name, status=v.status, ownerUserId=v.owner_user_id,
                         supportEmail=v.support_email or None, slug=v.slug, updatedAt=v.updated_at)
