"""Service-to-service address lookup (/internal/v1, never routed by the gateway; X-Internal-Token).

Checkout (orders) resolves a shopper's `shippingAddressId` here and snapshots the address onto the order, so a
later edit of the address book never changes where an order ships. Another user's address is a 404.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select

from apps.profiles.exceptions import AddressNotFound
from apps.profiles.orm import Address
from apps.profiles.router import _address_out
from apps.profiles.schemas import AddressOut
from kernel.ids import is_uuid
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

internal_router = APIRouter(prefix="/internal/v1", tags=["profiles-internal"],
                            dependencies=[Depends(require_internal_token)])


@internal_router.get("/users/{user_id}/addresses/{address_id}", response_model=AddressOut)
async def get_user_address(user_id: str, address_id: str, uow: UowDep) -> AddressOut:
    if not (is_uuid(user_id) and is_uuid(address_id)):
        raise AddressNotFound(f"No address {address_id[:64]!r} for this user.")
    async with uow:
        address = await uow.session.scalar(
            select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise AddressNotFound(f"No address {address_id!r} for this user.")
    return _address_out(address)
