"""Auth routes (API.md § Auth): thin — schema in, service call, schema out."""
from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response, status

from apps.auth import service
from apps.auth.config import AuthSettings
from apps.auth.schemas import ForgotIn, LoginIn, RefreshIn, RegisterIn, RegisterOut, ResetIn, TokenPair
from apps.auth.tokens import TokenIssuer
from kernel.mail import send_mail
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1/auth", tags=["auth"])
log = structlog.get_logger("auth")


def _issuer(request: Request) -> TokenIssuer:
    return request.app.state.issuer


def _settings(request: Request) -> AuthSettings:
    return request.app.state.settings


IssuerDep = Annotated[TokenIssuer, Depends(_issuer)]
SettingsDep = Annotated[AuthSettings, Depends(_settings)]


def _pair(tokens: service.IssuedTokens) -> TokenPair:
    return TokenPair(accessToken=tokens.access_token, refreshToken=tokens.refresh_token,
                     expiresIn=tokens.expires_in)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(body: RegisterIn, uow: UowDep, settings: SettingsDep) -> RegisterOut:
    async with uow:
        user = await service.create_user(uow=uow, settings=settings, email=body.email, password=body.password,
                                         name=body.name)
        await uow.commit()
    return RegisterOut(userId=user.id)


@router.post("/login", response_model=TokenPair)
async def login(body: LoginIn, uow: UowDep, issuer: IssuerDep) -> TokenPair:
    async with uow:
        tokens = await service.login(uow=uow, issuer=issuer, email=body.email, password=body.password)
        await uow.commit()
    return _pair(tokens)


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshIn, uow: UowDep, issuer: IssuerDep) -> TokenPair:
    async with uow:
        tokens = await service.refresh(uow=uow, issuer=issuer, token=body.refresh_token)
        await uow.commit()
    return _pair(tokens)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn, uow: UowDep) -> Response:
    async with uow:
        await service.logout(uow=uow, token=body.refresh_token)
        await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED)
async def forgot_password(body: ForgotIn, uow: UowDep, settings: SettingsDep) -> dict[str, str]:
    async with uow:
        pending = await service.request_password_reset(uow=uow, settings=settings, email=body.email)
        await uow.commit()
    if pending:
        email, token = pending
        link = f"{settings.public_base_url.rstrip('/')}/reset-password?token={token}"
        try:
            await send_mail(settings, to=email, subject="Reset your password",
                            text=f"Use this link within {settings.reset_token_ttl_minutes} minutes to choose a new "
                                 f"password:\n\n{link}\n\nReset token: {token}\n")
        except OSError as exc:  # the answer must not reveal whether the account exists, even when mail fails
            log.error("auth.reset_mail_failed", error=str(exc))
    return {"status": "accepted"}


@router.post("/reset-password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(body: ResetIn, uow: UowDep, settings: SettingsDep) -> Response:
    async with uow:
        await service.reset_password(uow=uow, settings=settings, token=body.token, new_password=body.new_password)
        await uow.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/jwks")
async def jwks(issuer: IssuerDep) -> dict:
    return issuer.jwks()
