"""Forgotten password: store a reset token and mail its link; a valid token sets a new password and ends every
session of the account."""
from __future__ import annotations

from datetime import timedelta

import structlog

from apps.auth import domain
from apps.auth.config import AuthSettings
from apps.auth.exceptions import InvalidResetToken
from apps.auth.orm import PasswordResetToken
from apps.auth.repository import AuthRepository
from apps.auth.use_cases.common import check_password
from kernel.clock import utcnow
from kernel.events import Actor
from kernel.mail import send_mail
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("auth")


@use_case
async def request_password_reset(*, uow: UnitOfWork, settings: AuthSettings, email: str) -> tuple[str, str] | None:
    """Returns (email, token) to mail after commit, or None for an unknown email (the caller still says 202)."""
    user = await uow.repository(AuthRepository).user_by_email(email.strip().lower())
    if user is None or not user.is_active:
        return None
    token = domain.new_opaque_token()
    uow.repository(AuthRepository).stage(PasswordResetToken(
        user_id=user.id, token_hash=domain.token_hash(token),
        expires_at=utcnow() + timedelta(minutes=settings.reset_token_ttl_minutes)))
    return user.email, token


async def forgot_password(*, uow: UnitOfWork, settings: AuthSettings, email: str) -> None:
    """Store a reset token (its own commit), then mail the link: only a committed token is worth mailing."""
    pending = await request_password_reset(uow=uow, settings=settings, email=email)
    if pending is None:
        return
    to, token = pending
    link = f"{settings.public_base_url.rstrip('/')}/reset-password?token={token}"
    try:
        await send_mail(settings, to=to, subject="Reset your password",
                        text=f"Use this link within {settings.reset_token_ttl_minutes} minutes to choose a new "
                             f"password:\n\n{link}\n\nReset token: {token}\n")
    except OSError as exc:  # the answer must not reveal whether the account exists, even when mail fails
        log.error("auth.reset_mail_failed", error=str(exc))


@use_case
async def reset_password(*, uow: UnitOfWork, settings: AuthSettings, token: str, new_password: str) -> None:
    repo = uow.repository(AuthRepository)
    row = await repo.lock_reset_token(domain.token_hash(token))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise InvalidResetToken("The reset link is invalid or has expired.")
    check_password(new_password, settings)
    user = await repo.user(row.user_id)
    user.password_hash = domain.hash_password(new_password)
    row.used_at = utcnow()
    # A reset means the old password may be known to someone else: end every session.
    await repo.revoke_sessions(user.id, utcnow())
    uow.emit("user.password_reset", {"userId": user.id}, key=user.id, actor=Actor(type="user", id=user.id))
