"""An in-memory stand-in for the auth database (AuthRepository): accounts, refresh tokens and reset tokens. Rows an
uncommitted unit of work added are dropped; loaded rows change in place, as in a session, and a bulk revoke
changes the rows it matches."""
from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from apps.auth import domain
from apps.auth.config import AuthSettings
from apps.auth.orm import PasswordResetToken, RefreshToken, User
from apps.auth.repository import AuthRepository
from apps.auth.tokens import TokenIssuer
from kernel.jwt_keys import SigningKey
from kernel.testing import FakeRepository, FakeUnitOfWork, with_defaults


class FakeAuthRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0  # account lookups made (a malformed id must not cost one)

    def _users(self) -> list[User]:
        return self.rows(User)

    async def user(self, user_id: str) -> User | None:
        self.lookups += 1
        return next((u for u in self._users() if u.id == user_id), None)

    async def lock_user(self, user_id: str) -> User | None:
        return await self.user(user_id)

    async def user_by_email(self, email: str, *, lock: bool = False) -> User | None:
        self.lookups += 1
        return next((u for u in self._users() if u.email == email), None)

    async def email_taken(self, email: str) -> bool:
        return await self.user_by_email(email) is not None

    async def taken(self, *, emails: list[str], ids: list[str]) -> set[str]:
        return {v for u in self._users() if u.email in emails or u.id in ids for v in (u.id, u.email)}

    async def refresh_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        return next((t for t in self.rows(RefreshToken) if t.token_hash == token_hash), None)

    async def revoke_family(self, family_id: str, at: datetime) -> None:
        for t in self.rows(RefreshToken):
            if t.family_id == family_id and t.revoked_at is None:
                t.revoked_at = at

    async def revoke_sessions(self, user_id: str, at: datetime) -> None:
        for t in self.rows(RefreshToken):
            if t.user_id == user_id and t.revoked_at is None:
                t.revoked_at = at

    async def lock_reset_token(self, token_hash: str) -> PasswordResetToken | None:
        return next((t for t in self.rows(PasswordResetToken) if t.token_hash == token_hash), None)

    # Arrange helpers
    def account(self, email: str, password: str = "", *, roles: list[str] | None = None,
                vendor_id: str | None = None, is_active: bool = True, user_id: str | None = None) -> User:
        """An account that exists already (its password hashed with whatever hasher domain holds)."""
        user = with_defaults(User(id=user_id, email=email, password_hash=domain.hash_password(password or "x"),
                                  name=None, roles=roles or ["customer"], vendor_id=vendor_id, is_active=is_active))
        self.keep(user)
        return user

    def sessions(self, user_id: str) -> list[RefreshToken]:
        return [t for t in self.rows(RefreshToken) if t.user_id == user_id]


def auth_settings(**overrides: Any) -> AuthSettings:
    values = dict(password_min_length=8, reset_token_ttl_minutes=30, access_token_ttl_minutes=15,
                  refresh_token_ttl_days=30, jwt_issuer="marketplace-auth", jwt_audience="marketplace",
                  public_base_url="http://shop.test")
    return AuthSettings(**{**values, **overrides})


@functools.cache
def _key() -> SigningKey:
    return SigningKey.generate()  # ~0.1 s: made once per test run


def auth_world(**settings: Any) -> tuple[FakeUnitOfWork, FakeAuthRepository, TokenIssuer]:
    repo = FakeAuthRepository()
    return FakeUnitOfWork({AuthRepository: repo}), repo, TokenIssuer(_key(), auth_settings(**settings))
