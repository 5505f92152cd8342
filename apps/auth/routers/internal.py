"""Service-to-service lookups on accounts (/internal/v1, never routed by the gateway; X-Internal-Token).

Notifications needs a shopper's address and name to mail them; events deliberately carry only user ids.
Vendors sets an owner's vendor role in the request that approves, reinstates or suspends the vendor, so the owner's
very next login or refresh already reflects it (the vendor.* reactions in consumers.py remain the guarantee).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends

from apps.auth import queries
from apps.auth.orm import User
from apps.auth.schemas import UserContact, VendorRoleIn
from apps.auth.use_cases.roles import set_vendor_role
from kernel.errors import NotFound
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/internal/v1", tags=["auth-internal"], dependencies=[Depends(require_internal_token)])


def _contact(user: User) -> UserContact:
    return UserContact(userId=user.id, email=user.email, name=user.name, isActive=user.is_active,
                       roles=list(user.roles), vendorId=user.vendor_id)


@router.get("/users/{user_id}", response_model=UserContact)
async def get_user(user_id: str, uow: UowDep) -> UserContact:
    async with uow.reading():
        user = await queries.get_user(uow, user_id)
    return _contact(user)


@router.put("/users/{user_id}/vendor-role", response_model=UserContact)
async def put_vendor_role(user_id: str, body: VendorRoleIn, uow: UowDep) -> UserContact:
    user = await set_vendor_role(uow, owner_id=user_id, vendor_id=body.vendor_id, active=body.active,
                                 cause="vendors.internal", changed_at=body.changed_at)
    if user is None:
        raise NotFound(f"No user {user_id!r}.")
    return _contact(user)
