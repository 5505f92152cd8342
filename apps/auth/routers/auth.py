"""Auth routes (API.md § Auth): thin — schema in, use case, schema out."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from apps.auth.config import AuthSettings
from apps.auth.schemas import ForgotIn, LoginIn, RefreshIn, RegisterIn, RegisterOut, ResetIn, TokenPair
from apps.auth.tokens import TokenIssuer
from apps.auth.use_cases import login as login_uc
from apps.auth.use_cases import logout as logout_uc
from apps.auth.use_cases import password_reset, register as register_uc
from apps.auth.use_cases import refresh as refresh_uc
from apps.auth.use_cases.common import IssuedTokens
from kernel.service_app import UowDep, from_state

router = APIRouter(prefix="/v1/auth", tags=["auth"])


IssuerDep = Annotated[TokenIssuer, Depends(from_state("issuer"))]
SettingsDep = Annotated[AuthSettings, Depends(from_state("settings"))]


def _pair(tokens: IssuedTokens) -> TokenPair:
    return TokenPair(accessToken=tokens.access_token, refreshToken=tokens.refresh_token,
                     expiresIn=tokens.expires_in)


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(body: RegisterIn, uow: UowDep, settings: SettingsDep) -> RegisterOut:
    user = await register_uc.create_user(uow=uow, settings=settings, email=body.email, password=body.password,
                                         name=body.name)
    return RegisterOut(userId=user.id)


@router.post("/login", response_model=TokenPair)
async def login(body: LoginIn, uow: UowDep, issuer: IssuerDep) -> TokenPair:
    tokens = await login_uc.login(uow=uow, issuer=issuer, email=body.email, password=body.password)
    return _pair(tokens)


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshIn, uow: UowDep, issuer: IssuerDep) -> TokenPair:
    tokens = await refresh_uc.refresh(uow=uow, issuer=issuer, token=body.refresh_token)
    return _pair(tokens)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn, uow: UowDep) -> Response:
    await logout_uc.logout(uow=uow, token=body.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/forgot-password", status_code=status.HTTP_202_ACCEPTED)
async def forgot_password(body: ForgotIn, uow: UowDep, settings: SettingsDep) -> dict[str, str]:
    await password_reset.forgot_password(uow=uow, settings=settings, email=body.email)
    return {"status": "accepted"}


@router.post("/reset-password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(body: ResetIn, uow: UowDep, settings: SettingsDep) -> Response:
    await password_reset.reset_password(uow=uow, settings=settings, token=body.token,
                                        new_password=body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/jwks")
async def jwks(issuer: IssuerDep) -> dict:
    return issuer.jwks()
