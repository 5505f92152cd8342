"""Reads of the profiles service: a shopper's address book."""
from __future__ import annotations

from sqlalchemy import select

from apps.profiles.orm import Address
from kernel.uow import UnitOfWork


async def list_addresses(*, uow: UnitOfWork, user_id: str) -> list[Address]:
    stmt = (select(Address).where(Address.user_id == user_id)
            .order_by(Address.is_default.desc(), Address.created_at.desc(), Address.id.desc()))
    return list((await uow.session.scalars(stmt)).all())
