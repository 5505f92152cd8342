"""Roles granted after sign-up: staff roles by an operator (admin_accounts), vendor_admin for an approved
vendor's owner (vendors' internal call and the vendor.* reactions in consumers.py)."""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.auth.exceptions import InvalidCredentials
from apps.auth.orm import User
from apps.auth.repository import AuthRepository
from kernel.auth import ROLES
from kernel.clock import utcnow
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("auth.consumers")
VENDOR_ROLE = "vendor_admin"


async def grant_role(*, uow: UnitOfWork, email: str, role: str) -> User:
    """Inside the caller's unit of work (admin_accounts.ensure_staff)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = await uow.repository(AuthRepository).user_by_email(email.strip().lower(), lock=True)
    if user is None:
        raise InvalidCredentials("No such account.")
    if role not in user.roles:
        user.roles = [*user.roles, role]
    return user


@use_case
async def set_vendor_role(uow: UnitOfWork, *, owner_id: str, vendor_id: str, active: bool, cause: str,
                          changed_at: datetime | None = None) -> User | None:
    """Grant (active) or revoke the owner's vendor_admin role; idempotent. None for malformed or unknown ids.

    `changed_at` is when vendors changed the status. The synchronous call and the event of one change race each
    other, and the events of two changes can reach auth after the second change's call (approve, then suspend: the
    approval's event may be handled last), so a change older than the one applied is skipped. Without a time (an
    old caller) the change applies as the newest."""
    if not (is_uuid(owner_id) and is_uuid(vendor_id)):
        log.warning("auth.vendor_role_skipped", reason="malformed ids", cause=cause)
        return None
    user = await uow.repository(AuthRepository).lock_user(owner_id)
    if user is None:  # retrying cannot make an unknown account appear; skip instead of dead-lettering later
        log.warning("auth.vendor_role_skipped", reason="unknown user", cause=cause, user_id=owner_id)
        return None
    if changed_at is not None and user.vendor_role_at is not None and changed_at < user.vendor_role_at:
        log.info("auth.vendor_role_stale", user_id=user.id, vendor_id=vendor_id, active=active, cause=cause)
        return user
    if active:
        if user.vendor_id != vendor_id:
            user.vendor_id = vendor_id
        if VENDOR_ROLE not in user.roles:
            user.roles = [*user.roles, VENDOR_ROLE]
    elif user.vendor_id == vendor_id and VENDOR_ROLE in user.roles:
        user.roles = [r for r in user.roles if r != VENDOR_ROLE]
    if user.vendor_id == vendor_id:
        user.vendor_role_at = changed_at or utcnow()
    log.info("auth.vendor_role_set", user_id=user.id, vendor_id=vendor_id, active=active, cause=cause)
    return user
