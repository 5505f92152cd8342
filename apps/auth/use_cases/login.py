"""Log in with email and password: a new session (refresh-token family) and an access token."""
from __future__ import annotations

from apps.auth import domain
from apps.auth.exceptions import InvalidCredentials
from apps.auth.repository import AuthRepository
from apps.auth.tokens import TokenIssuer
from apps.auth.use_cases.common import IssuedTokens, issue_tokens
from kernel.events import Actor
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def login(*, uow: UnitOfWork, issuer: TokenIssuer, email: str, password: str) -> IssuedTokens:
    user = await uow.repository(AuthRepository).user_by_email(email.strip().lower())
    if user is None:
        domain.verify_password(domain.DUMMY_HASH, password)
        raise InvalidCredentials("Email or password is wrong.")
    if not domain.verify_password(user.password_hash, password) or not user.is_active:
        raise InvalidCredentials("Email or password is wrong.")
    tokens, _ = await issue_tokens(uow=uow, issuer=issuer, user=user)
    uow.emit("user.logged_in", {"userId": user.id}, key=user.id, actor=Actor(type="user", id=user.id))
    return tokens
