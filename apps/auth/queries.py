"""Reads of the auth service: one account, for the services that need a shopper's contact (internal API)."""
from __future__ import annotations

from apps.auth.orm import User
from apps.auth.repository import AuthRepository
from kernel.errors import NotFound
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


async def get_user(uow: UnitOfWork, user_id: str) -> User:
    if not is_uuid(user_id):
        raise NotFound(f"No user {user_id!r}.")
    user = await uow.repository(AuthRepository).user(user_id)
    if user is None:
        raise NotFound(f"No user {user_id!r}.")
    return user
