"""The auth service's public entry for operators (`mkt admin create`): make an account staff, opening it first
when the email is new. There is deliberately no open HTTP route for this: whoever makes the first super_admin
must already hold the auth database's credentials. Callers import this module only, never use_cases/orm."""
from __future__ import annotations

from dataclasses import dataclass

from apps.auth.config import AuthSettings
from apps.auth.exceptions import EmailTaken
from apps.auth.orm import OUTBOX
from apps.auth.use_cases.register import create_user
from apps.auth.use_cases.roles import grant_role
from kernel.db import Database
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

STAFF_ROLES = ("super_admin", "staff")


@dataclass(frozen=True)
class StaffAccount:
    user_id: str
    created: bool  # False: the account existed and was granted the role


@use_case
async def ensure_staff(*, uow: UnitOfWork, settings: AuthSettings, email: str, password: str,
                       name: str | None = None, role: str = "super_admin") -> StaffAccount:
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {STAFF_ROLES}")
    try:
        user = await create_user(uow=uow, settings=settings, email=email, password=password, name=name,
                                 roles=[role])
        return StaffAccount(user.id, created=True)
    except EmailTaken:
        await uow.rollback()
    user = await grant_role(uow=uow, email=email, role=role)
    return StaffAccount(user.id, created=False)


async def create_staff_account(email: str, password: str, name: str | None = None, role: str = "super_admin",
                               settings: AuthSettings | None = None) -> StaffAccount:
    """`ensure_staff` from outside any service process: connects to the auth database for this one call."""
    settings = settings or AuthSettings()
    db = Database(settings.db_url(), pool_size=1)
    try:
        return await ensure_staff(uow=UnitOfWork(db.sessions, OUTBOX), settings=settings, email=email,
                                  password=password, name=name, role=role)
    finally:
        await db.dispose()
