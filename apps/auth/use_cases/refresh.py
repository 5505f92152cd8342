"""Trade a refresh token for a new pair, rotating it; a reused token revokes its whole family."""
from __future__ import annotations

from apps.auth import domain
from apps.auth.exceptions import InvalidRefreshToken, RefreshTokenReused
from apps.auth.repository import AuthRepository
from apps.auth.tokens import TokenIssuer
from apps.auth.use_cases.common import IssuedTokens, issue_tokens
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def refresh(*, uow: UnitOfWork, issuer: TokenIssuer, token: str) -> IssuedTokens:
    """Rotate: the presented token is revoked and replaced. Presenting a revoked token means it leaked (or a
    client raced itself): the whole family is revoked and committed before refusing."""
    repo = uow.repository(AuthRepository)
    row = await repo.refresh_token(domain.token_hash(token), lock=True)
    if row is None:
        raise InvalidRefreshToken("Unknown refresh token.")
    if row.revoked_at is not None:
        await repo.revoke_family(row.family_id, utcnow())
        await uow.commit()
        raise RefreshTokenReused("This refresh token was already used; all sessions of its family are revoked.")
    if row.expires_at <= utcnow():
        raise InvalidRefreshToken("Refresh token expired.")
    user = await repo.user(row.user_id)
    if user is None or not user.is_active:
        raise InvalidRefreshToken("Account disabled.")
    tokens, new_row_id = await issue_tokens(uow=uow, issuer=issuer, user=user, family_id=row.family_id)
    row.revoked_at, row.replaced_by = utcnow(), new_row_id
    return tokens
