"""Reads of the profiles service: a shopper's address book, and one address for checkout (internal API)."""
from __future__ import annotations

from sqlalchemy import select

from apps.profiles.exceptions import AddressNotFound
from apps.profiles.orm import Address
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


async def list_addresses(*, uow: UnitOfWork, user_id: str) -> list[Address]:
    stmt = (select(Address).where(Address.user_id == user_id)
            .order_by(Address.is_default.desc(), Address.created_at.desc(), Address.id.desc()))
    return list((await uow.session.scalars(stmt)).all())


async def user_address(*, uow: UnitOfWork, user_id: str, address_id: str) -> Address:
    """The user's address; another user's, or a malformed id, is the same 404 as a missing one."""
    if not (is_uuid(user_id) and is_uuid(address_id)):
        raise AddressNotFound(f"No address {address_id[:64]!r} for this user.")
    address = await uow.session.scalar(select(Address).where(Address.id == address_id, Address.user_id == user_id))
    if address is None:
        raise AddressNotFound(f"No address {address_id!r} for this user.")
    return address
