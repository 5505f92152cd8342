"""The auth HTTP contract (API.md): camelCase JSON."""
from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field

from kernel.api_model import ApiModel, CamelModel


class RegisterIn(ApiModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)
    name: str | None = Field(None, max_length=200)


class RegisterOut(ApiModel):
    user_id: str


class LoginIn(ApiModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=128)


class TokenPair(ApiModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class RefreshIn(ApiModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class ForgotIn(ApiModel):
    email: EmailStr = Field(max_length=320)


class ResetIn(ApiModel):
    token: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=128)


# The internal API (routers/internal.py): an account as notifications and vendors read it.
class UserContact(CamelModel):
    user_id: str
    email: str
    name: str | None = None
    is_active: bool
    roles: list[str]
    vendor_id: str | None = None


class VendorRoleIn(CamelModel):
    vendor_id: str
    active: bool
    # the vendor's status change time (its event's changedAt); without it the change applies as the newest
    changed_at: datetime | None = None
