"""Service-to-service address lookup (/internal/v1, never routed by the gateway; X-Internal-Token).

Checkout (orders) resolves a shopper's `shippingAddressId` here and snapshots the address onto the order, so a
later edit of the address book never changes where an order ships. Another user's address is a 404.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends

from apps.profiles import queries
from apps.profiles.schemas import AddressOut
from apps.profiles.views import address_out
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/internal/v1", tags=["profiles-internal"],
                            dependencies=[Depends(require_internal_token)])


@router.get("/users/{user_id}/addresses/{address_id}", response_model=AddressOut)
async def get_user_address(user_id: str, address_id: str, uow: UowDep) -> AddressOut:
    async with uow.reading():
        address = await queries.user_address(uow=uow, user_id=user_id, address_id=address_id)
    return address_out(address)
