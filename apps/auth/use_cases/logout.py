"""Log out: end this device's session."""
from __future__ import annotations

from apps.auth import domain
from apps.auth.repository import AuthRepository
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def logout(*, uow: UnitOfWork, token: str) -> None:
    """Revokes the token's whole family (this device's session); unknown tokens are ignored (idempotent)."""
    repo = uow.repository(AuthRepository)
    row = await repo.refresh_token(domain.token_hash(token))
    if row is not None:
        await repo.revoke_family(row.family_id, utcnow())
