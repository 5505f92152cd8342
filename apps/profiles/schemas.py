"""The profiles HTTP contract (API.md § Profiles). Rules live in domain.py; these models apply them to input."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from pydantic import Field, StrictBool, field_validator

from apps.profiles import domain
from kernel.api_model import ApiModel

POSTAL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 \-]*$"


def _not_null(value: Any) -> Any:
    """PATCH bodies may omit a field, but `null` for one that must always have a value is a client error.
    (Field validators only run on values the client sent, so an omitted field never reaches this.)"""
    if value is None:
        raise ValueError("cannot be null")
    return value


class ProfileUpdate(ApiModel):
    """`null` clears name, phone or dob; marketingOptIn is always true or false."""

    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, min_length=1, max_length=32)
    dob: date | None = None
    marketing_opt_in: StrictBool | None = None

    _required = field_validator("marketing_opt_in")(_not_null)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else domain.normalize_phone(value)

    @field_validator("dob", mode="before")
    @classmethod
    def _dob_is_a_plain_date(cls, value: Any) -> Any:
        # pydantic would read 946684800 as a Unix timestamp; a birth date is only ever written YYYY-MM-DD.
        if value is not None and not isinstance(value, str):
            raise ValueError("dob must be a date string YYYY-MM-DD")
        return value

    @field_validator("dob")
    @classmethod
    def _dob(cls, value: date | None) -> date | None:
        return None if value is None else domain.check_dob(value, datetime.now(timezone.utc).date())


class ProfileOut(ApiModel):
    user_id: str
    name: str | None
    phone: str | None
    dob: date | None
    marketing_opt_in: bool
    roles: list[str]
    vendor_id: str | None
    created_at: datetime
    updated_at: datetime


class _AddressFields(ApiModel):
    label: str | None = Field(None, min_length=1, max_length=50, examples=["Home"])
    line1: str | None = Field(None, min_length=1, max_length=200)
    line2: str | None = Field(None, min_length=1, max_length=200)
    city: str | None = Field(None, min_length=1, max_length=100)
    state: str | None = Field(None, min_length=1, max_length=100)
    postal_code: str | None = Field(None, min_length=1, max_length=20,
                                    pattern=POSTAL_CODE_PATTERN)
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    is_default: StrictBool | None = None

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return None if value is None else domain.normalize_country(value)


class AddressCreate(_AddressFields):
    line1: str = Field(min_length=1, max_length=200)
    city: str = Field(min_length=1, max_length=100)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    is_default: StrictBool = False


class AddressUpdate(_AddressFields):
    """Omitted fields stay as they are; `null` clears an optional field."""

    _required = field_validator("line1", "city", "country", "is_default")(_not_null)


class AddressOut(ApiModel):
    id: str
    label: str | None
    line1: str
    line2: str | None
    city: str
    state: str | None
    postal_code: str | None
    country: str
    is_default: bool
    created_at: datetime
    updated_at: datetime


class AddressList(ApiModel):
    items: list[AddressOut]
    total: int
