"""A shopper's address book: create, update, delete an address (one default at most, the book locked while it changes); each owns its commit."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from apps.profiles import domain
from apps.profiles.config import ProfilesSettings
from apps.profiles.exceptions import AddressConflict, AddressLimitReached, AddressNotFound, DefaultAddressRequired
from apps.profiles.orm import Address, utcnow
from apps.profiles.use_cases.profile import _apply, _values, ensure_profile
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


async def _lock_book(uow: UnitOfWork, user_id: str) -> list[Address]:
    await ensure_profile(uow=uow, user_id=user_id, lock=True)
    return list((await uow.session.scalars(select(Address).where(Address.user_id == user_id))).all())


def _find(book: list[Address], address_id: str) -> Address:
    # Another user's address is not in this user's book, so it is as missing as an unknown id: 404, no leak.
    wanted = str(uuid.UUID(address_id)) if is_uuid(address_id) else None
    if found := next((a for a in book if a.id == wanted), None):
        return found
    raise AddressNotFound(f"No address {address_id!r} in your address book.")


async def _flush(uow: UnitOfWork) -> None:
    try:
        await uow.session.flush()
    except IntegrityError:
        raise AddressConflict("The address book changed concurrently; retry the request.") from None


def _event(address: Address, changed: Iterable[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "userId": address.user_id, "addressId": address.id, "country": address.country, "city": address.city,
        "postalPrefix": domain.postal_prefix(address.postal_code), "isDefault": address.is_default,
        "occurredAt": address.updated_at}
    if changed is not None:
        data["changedFields"] = [domain.api_name(f) for f in changed]
    return data


async def _set_default_flag(uow: UnitOfWork, address: Address, value: bool) -> None:
    address.is_default = value
    address.updated_at = utcnow()
    await _flush(uow)
    uow.emit("address.updated", _event(address, ["is_default"]), key=address.user_id)


async def _clear_default(uow: UnitOfWork, book: list[Address]) -> None:
    """Unset the current default and flush before a new default is written: the unique index is checked per
    row, so the old default must be gone from it first."""
    if current := next((a for a in book if a.is_default), None):
        await _set_default_flag(uow, current, False)


@use_case
async def create_address(*, uow: UnitOfWork, settings: ProfilesSettings, user_id: str,
                         fields: Mapping[str, Any]) -> Address:
    book = await _lock_book(uow, user_id)
    limit = settings.max_addresses_per_user
    if not domain.can_add_address(len(book), limit):
        raise AddressLimitReached(f"An account can keep at most {limit} addresses; delete one first.")
    is_default = domain.becomes_default(bool(fields.get("is_default")), len(book))
    if is_default:
        await _clear_default(uow, book)
    now = utcnow()
    address = Address(id=new_id_str(), user_id=user_id, created_at=now, updated_at=now,
                      **{**fields, "is_default": is_default})
    uow.session.add(address)
    await _flush(uow)
    uow.emit("address.created", _event(address), key=user_id)
    return address


@use_case
async def update_address(*, uow: UnitOfWork, user_id: str, address_id: str,
                         changes: Mapping[str, Any]) -> Address:
    book = await _lock_book(uow, user_id)
    address = _find(book, address_id)
    changed = domain.changed_fields(_values(address, changes), changes)
    if "is_default" in changed:
        if not changes["is_default"]:
            # A non-empty book always has a default; it moves by choosing another, never by unsetting this one.
            raise DefaultAddressRequired("Make another address the default instead of unsetting this one.")
        await _clear_default(uow, book)
    if not changed:
        return address
    _apply(address, changes, changed)
    await _flush(uow)
    uow.emit("address.updated", _event(address, changed), key=user_id)
    return address


@use_case
async def delete_address(*, uow: UnitOfWork, user_id: str, address_id: str) -> None:
    book = await _lock_book(uow, user_id)
    address = _find(book, address_id)
    await uow.session.delete(address)
    await _flush(uow)
    uow.emit("address.deleted", {"userId": user_id, "addressId": address.id, "country": address.country,
                                 "wasDefault": address.is_default, "occurredAt": utcnow()}, key=user_id)
    if address.is_default:
        remaining = [a for a in book if a is not address]
        if successor := domain.promotion_candidate(remaining):
            await _set_default_flag(uow, successor, True)
