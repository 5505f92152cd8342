"""The auth database as the auth use cases see it (`uow.repository(AuthRepository)`): accounts, refresh-token
families and reset tokens, so the decisions (wrong password, disabled account, refresh rotation and reuse, reset
links) run in unit tests on an in-memory stand-in (tests/fakes/auth.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from apps.auth.orm import PasswordResetToken, RefreshToken, User
from kernel.uow import Repository


class AuthRepository(Repository):
    async def user(self, user_id: str) -> User | None:
        return await self.session.get(User, user_id)

    async def lock_user(self, user_id: str) -> User | None:
        return await self.session.scalar(select(User).where(User.id == user_id).with_for_update())

    async def user_by_email(self, email: str, *, lock: bool = False) -> User | None:
        """`email` as stored: lower-cased."""
        query = select(User).where(User.email == email)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def email_taken(self, email: str) -> bool:
        return bool(await self.session.scalar(select(User.id).where(User.email == email)))

    async def taken(self, *, emails: list[str], ids: list[str]) -> set[str]:
        """The ids and emails among these that an account already holds."""
        rows = await self.session.execute(select(User.id, User.email).where(
            (User.email.in_(emails)) | (User.id.in_(ids))))
        return {v for row in rows for v in row}

    async def refresh_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        query = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        return await self.session.scalar(query.with_for_update() if lock else query)

    async def revoke_family(self, family_id: str, at: datetime) -> None:
        """Revoke every live token of one family (one device's session)."""
        await self.session.execute(update(RefreshToken).where(
            RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=at))

    async def revoke_sessions(self, user_id: str, at: datetime) -> None:
        """Revoke every live token of one account (all its devices)."""
        await self.session.execute(update(RefreshToken).where(
            RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=at))

    async def lock_reset_token(self, token_hash: str) -> PasswordResetToken | None:
        return await self.session.scalar(select(PasswordResetToken).where(
            PasswordResetToken.token_hash == token_hash).with_for_update())
