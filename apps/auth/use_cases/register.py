"""Open accounts: one by self-registration (or an operator), many by a bulk import; each emits user.created."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.auth import domain
from apps.auth.config import AuthSettings
from apps.auth.exceptions import EmailTaken
from apps.auth.orm import User
from apps.auth.repository import AuthRepository
from apps.auth.use_cases.common import check_password, known_roles
from kernel.clock import utcnow
from kernel.events import Actor
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@dataclass(frozen=True)
class NewAccount:
    email: str
    password: str
    name: str | None = None
    roles: list[str] | None = None
    user_id: str | None = None
    at: datetime | None = None


@use_case
async def create_user(*, uow: UnitOfWork, settings: AuthSettings, email: str, password: str,
                      name: str | None = None, roles: list[str] | None = None, user_id: str | None = None,
                      at: datetime | None = None) -> User:
    """`user_id` and `at` (when the account was opened) are for imports that must keep ids and history."""
    email = email.strip().lower()
    roles = known_roles(roles)
    check_password(password, settings)
    if await uow.repository(AuthRepository).email_taken(email):
        raise EmailTaken("An account with this email already exists.")
    return await _add_user(uow, NewAccount(email, password, name, roles, user_id, at),
                           domain.hash_password(password))


async def _add_user(uow: UnitOfWork, account: NewAccount, password_hash: str) -> User:
    at = account.at or utcnow()
    user = User(id=account.user_id or new_id_str(), email=account.email.strip().lower(), password_hash=password_hash,
                name=account.name, roles=known_roles(account.roles), created_at=at)
    await uow.repository(AuthRepository).add(user)
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
    seen = await uow.repository(AuthRepository).taken(emails=list(by_email), ids=ids)
    fresh = [a for e, a in by_email.items() if e not in seen and a.user_id not in seen]
    hashes: dict[str, str] = {}
    for account in fresh:
        if account.password not in hashes:
            check_password(account.password, settings)
            hashes[account.password] = domain.hash_password(account.password)
    return [await _add_user(uow, a, hashes[a.password]) for a in fresh]
