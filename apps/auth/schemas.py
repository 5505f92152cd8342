"""The auth HTTP contract (API.md): camelCase JSON."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class RegisterIn(_Model):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)
    name: str | None = Field(None, max_length=200)


class RegisterOut(_Model):
    user_id: str = Field(alias="userId")


class LoginIn(_Model):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)


class TokenPair(_Model):
    access_token: str = Field(alias="accessToken")
    refresh_token: str = Field(alias="refreshToken")
    token_type: str = Field("bearer", alias="tokenType")
    expires_in: int = Field(alias="expiresIn")


class RefreshIn(_Model):
    refresh_token: str = Field(alias="refreshToken", min_length=1, max_length=200)


class ForgotIn(_Model):
    email: EmailStr = Field(max_length=320)


class ResetIn(_Model):
    token: str = Field(min_length=1, max_length=200)
    new_password: str = Field(alias="newPassword", min_length=1, max_length=128)
