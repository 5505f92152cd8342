"""Auth use cases. Each `@use_case` owns its transaction (kernel.use_case); the helpers run inside a caller's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update

from apps.auth import domain
from apps.auth.config import AuthSettings
from apps.auth.exceptions import (
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidResetToken,
    RefreshTokenReused,
    WeakPassword,
)
from apps.auth.orm import PasswordResetToken, RefreshToken, User
from apps.auth.tokens import TokenIssuer
from kernel.auth import ROLES
from kernel.clock import utcnow
from kernel.events import Actor
from kernel.ids import new_id_str
from kernel.mail import send_mail
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("auth")


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int


def _check_password(password: str, settings: AuthSettings) -> None:
    if problems := domain.password_problems(password, min_length=settings.password_min_length):
        raise WeakPassword("Password " + "; ".join(problems) + ".",
                           errors=[{"field": "password", "message": p} for p in problems])


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    name: str | None = None
    roles: list[str] | None = None
    user_id: str | None = None
    at: datetime | None = None


def _known_roles(roles: list[str] | None) -> list[str]:
    roles = roles or ["customer"]
    if unknown := [r for r in roles if r not in ROLES]:
        raise ValueError(f"unknown roles: {unknown}")
    return roles


@use_case
async def create_user(*, uow: UnitOfWork, settings: AuthSettings, email: str, password: str,
                      name: str | None = None, roles: list[str] | None = None, user_id: str | None = None,
                      at: datetime | None = None) -> User:
    """`user_id` and `at` (when the account was opened) are for imports that must keep ids and history."""
    email = email.strip().lower()
    roles = _known_roles(roles)
    _check_password(password, settings)
    if await uow.session.scalar(select(User.id).where(User.email == email)):
        raise EmailTaken("An account with this email already exists.")
    return await _add_user(uow, NewAccount(email, password, name, roles, user_id, at),
                           domain.hash_password(password))


async def _add_user(uow: UnitOfWork, account: NewAccount, password_hash: str) -> User:
    at = account.at or utcnow()
    user = User(id=account.user_id or new_id_str(), email=account.email.strip().lower(), password_hash=password_hash,
                name=account.name, roles=_known_roles(account.roles), created_at=at)
    uow.session.add(user)
    await uow.session.flush()
    uow.emit("user.created", {"userId": user.id, "roles": user.roles, "emailDomain": domain.email_domain(user.email),
                              "createdAt": at}, key=user.id, actor=Actor(type="user", id=user.id), occurred_at=at)
    return user


async def create_users(*, uow: UnitOfWork, settings: AuthSettings, accounts: list[NewAccount]) -> list[User]:
    """Bulk import: accounts whose id or email already exists are skipped (a re-run creates nothing), so only
    the new ones are returned. argon2id costs ~0.1 s per hash by design, so each distinct password is hashed once
    per batch and its (salted) hash shared by the batch's accounts with that password: an import of thousands of
    accounts takes seconds. Sharing a salt reveals which accounts in one batch share a password — acceptable for
    the bulk paths that call this (simulated accounts with one known password), never used by self-registration."""
    by_email = {a.email.strip().lower(): a for a in accounts}
    ids = [a.user_id for a in by_email.values() if a.user_id]
    taken = await uow.session.execute(select(User.id, User.email).where(
        (User.email.in_(list(by_email))) | (User.id.in_(ids))))
    seen = {v for row in taken for v in row}
    fresh = [a for e, a in by_email.items() if e not in seen and a.user_id not in seen]
    hashes: dict[str, str] = {}
    for account in fresh:
        if account.password not in hashes:
            _check_password(account.password, settings)
            hashes[account.password] = domain.hash_password(account.password)
    return [await _add_user(uow, a, hashes[a.password]) for a in fresh]


async def _issue(*, uow: UnitOfWork, issuer: TokenIssuer, user: User,
                 family_id: str | None = None) -> tuple[IssuedTokens, str]:
    refresh = domain.new_opaque_token()
    row = RefreshToken(id=new_id_str(), user_id=user.id, family_id=family_id or new_id_str(),
                       token_hash=domain.token_hash(refresh),
                       expires_at=utcnow() + timedelta(days=issuer.settings.refresh_token_ttl_days))
    uow.session.add(row)
    await uow.session.flush()
    access = issuer.access_token(user_id=user.id, roles=list(user.roles), vendor_id=user.vendor_id)
    return IssuedTokens(access, refresh, int(issuer.ttl.total_seconds())), row.id


@use_case
async def login(*, uow: UnitOfWork, issuer: TokenIssuer, email: str, password: str) -> IssuedTokens:
    user = await uow.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        domain.verify_password(domain.DUMMY_HASH, password)
        raise InvalidCredentials("Email or password is wrong.")
    if not domain.verify_password(user.password_hash, password) or not user.is_active:
        raise InvalidCredentials("Email or password is wrong.")
    tokens, _ = await _issue(uow=uow, issuer=issuer, user=user)
    uow.emit("user.logged_in", {"userId": user.id}, key=user.id, actor=Actor(type="user", id=user.id))
    return tokens


@use_case
async def refresh(*, uow: UnitOfWork, issuer: TokenIssuer, token: str) -> IssuedTokens:
    """Rotate: the presented token is revoked and replaced. Presenting a revoked token means it leaked (or a
    client raced itself): the whole family is revoked and committed before refusing."""
    row = await uow.session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == domain.token_hash(token)).with_for_update())
    if row is None:
        raise InvalidRefreshToken("Unknown refresh token.")
    if row.revoked_at is not None:
        await uow.session.execute(update(RefreshToken).where(
            RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
        await uow.commit()
        raise RefreshTokenReused("This refresh token was already used; all sessions of its family are revoked.")
    if row.expires_at <= utcnow():
        raise InvalidRefreshToken("Refresh token expired.")
    user = await uow.session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken("Account disabled.")
    tokens, new_row_id = await _issue(uow=uow, issuer=issuer, user=user, family_id=row.family_id)
    row.revoked_at, row.replaced_by = utcnow(), new_row_id
    return tokens


@use_case
async def logout(*, uow: UnitOfWork, token: str) -> None:
    """Revokes the token's whole family (this device's session); unknown tokens are ignored (idempotent)."""
    row = await uow.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == domain.token_hash(token)))
    if row is not None:
        await uow.session.execute(update(RefreshToken).where(
            RefreshToken.family_id == row.family_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


@use_case
async def request_password_reset(*, uow: UnitOfWork, settings: AuthSettings, email: str) -> tuple[str, str] | None:
    """Returns (email, token) to mail after commit, or None for an unknown email (the caller still says 202)."""
    user = await uow.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return None
    token = domain.new_opaque_token()
    uow.session.add(PasswordResetToken(user_id=user.id, token_hash=domain.token_hash(token),
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
    row = await uow.session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == domain.token_hash(token)).with_for_update())
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise InvalidResetToken("The reset link is invalid or has expired.")
    _check_password(new_password, settings)
    user = await uow.session.get(User, row.user_id)
    user.password_hash = domain.hash_password(new_password)
    row.used_at = utcnow()
    # A reset means the old password may be known to someone else: end every session.
    await uow.session.execute(update(RefreshToken).where(
        RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    uow.emit("user.password_reset", {"userId": user.id}, key=user.id, actor=Actor(type="user", id=user.id))


async def grant_role(*, uow: UnitOfWork, email: str, role: str) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = await uow.session.scalar(select(User).where(User.email == email.strip().lower()).with_for_update())
    if user is None:
        raise InvalidCredentials("No such account.")
    if role not in user.roles:
        user.roles = [*user.roles, role]
    return user
