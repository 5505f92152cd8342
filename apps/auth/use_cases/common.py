"""What the auth use cases share: the password policy as a problem, known roles, a new refresh token with its
access token."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from apps.auth import domain
from apps.auth.config import AuthSettings
from apps.auth.exceptions import WeakPassword
from apps.auth.orm import RefreshToken, User
from apps.auth.repository import AuthRepository
from apps.auth.tokens import TokenIssuer
from kernel.auth import ROLES
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int


def check_password(password: str, settings: AuthSettings) -> None:
    if problems := domain.password_problems(password, min_length=settings.password_min_length):
        raise WeakPassword("Password " + "; ".join(problems) + ".",
                           errors=[{"field": "password", "message": p} for p in problems])


def known_roles(roles: list[str] | None) -> list[str]:
    roles = roles or ["customer"]
    if unknown := [r for r in roles if r not in ROLES]:
        raise ValueError(f"unknown roles: {unknown}")
    return roles


async def issue_tokens(*, uow: UnitOfWork, issuer: TokenIssuer, user: User,
                       family_id: str | None = None) -> tuple[IssuedTokens, str]:
    """A new refresh token (in `family_id`, or a new family: a new session) and an access token; returns the
    tokens and the refresh token row's id."""
    refresh = domain.new_opaque_token()
    row = RefreshToken(id=new_id_str(), user_id=user.id, family_id=family_id or new_id_str(),
                       token_hash=domain.token_hash(refresh),
                       expires_at=utcnow() + timedelta(days=issuer.settings.refresh_token_ttl_days))
    await uow.repository(AuthRepository).add(row)
    access = issuer.access_token(user_id=user.id, roles=list(user.roles), vendor_id=user.vendor_id)
    return IssuedTokens(access, refresh, int(issuer.ttl.total_seconds())), row.id
