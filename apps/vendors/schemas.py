"""The vendors HTTP contract (API.md § Vendors): camelCase JSON, every field length-bounded."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import AnyHttpUrl, EmailStr, Field, field_validator, model_validator

from kernel.api_model import ApiModel
from kernel.paging import Page

PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-.]{3,30}$"
DOC_TYPE_PATTERN = r"^[a-z][a-z0-9_]{1,49}$"


def _url(value: AnyHttpUrl | None) -> str | None:
    return str(value) if value is not None else None


class ApplyIn(ApiModel):
    name: str = Field(min_length=2, max_length=200)
    support_email: EmailStr = Field(max_length=320)
    support_phone: str | None = Field(None, max_length=32, pattern=PHONE_PATTERN)


class ApplyOut(ApiModel):
    id: str
    slug: str
    status: str


class VendorUpdate(ApiModel):
    name: str | None = Field(None, min_length=2, max_length=200)
    support_email: EmailStr | None = Field(None, max_length=320)
    support_phone: str | None = Field(None, max_length=32, pattern=PHONE_PATTERN)
    description: str | None = Field(None, max_length=5000)
    logo_url: AnyHttpUrl | None = None

    @field_validator("logo_url")
    @classmethod
    def _short_url(cls, v: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if v is not None and len(str(v)) > 2000:
            raise ValueError("URL must be at most 2000 characters")
        return v

    @model_validator(mode="after")
    def _required_stay(self) -> "VendorUpdate":
        for field, alias in (("name", "name"), ("support_email", "supportEmail")):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{alias} cannot be removed")
        return self

    def changes(self) -> dict:
        data = self.model_dump(exclude_unset=True)
        if "logo_url" in data:
            data["logo_url"] = _url(self.logo_url)
        return data


class CommissionOut(ApiModel):
    type: Literal["percent", "fixed"]
    value: int = Field(description="basis points for percent (1000 = 10%), minor units for fixed")
    unit: Literal["basis_points", "minor_units"]
    currency: str | None = None
    active_from: datetime | None = None


class KycIn(ApiModel):
    doc_type: str = Field(pattern=DOC_TYPE_PATTERN)
    doc_url: AnyHttpUrl

    @field_validator("doc_type", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) and len(v) <= 50 else v

    @field_validator("doc_url")
    @classmethod
    def _short_url(cls, v: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(v)) > 2000:
            raise ValueError("URL must be at most 2000 characters")
        return v


class KycOut(ApiModel):
    id: str
    vendor_id: str
    doc_type: str
    doc_url: str
    status: str
    created_at: datetime


class BankIn(ApiModel):
    account_holder: str = Field(min_length=2, max_length=200)
    iban: str | None = Field(None, min_length=15, max_length=42)
    account_no: str | None = Field(None, min_length=4, max_length=42)
    bank_name: str = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")

    @model_validator(mode="after")
    def _exactly_one_number(self) -> "BankIn":
        if (self.iban is None) == (self.account_no is None):
            raise ValueError("send exactly one of iban or accountNo")
        self.country = self.country.upper()
        return self


class BankOut(ApiModel):
    id: str
    vendor_id: str
    account_holder: str
    account_type: Literal["iban", "account_no"]
    account_masked: str = Field(description='e.g. "****1234"; the number is never returned')
    bank_name: str
    country: str
    created_at: datetime


class VendorPublic(ApiModel):
    id: str
    name: str
    slug: str
    status: str
    description: str | None = None
    logo_url: str | None = None


class VendorSummary(VendorPublic):
    """What admins see in lists."""

    owner_user_id: str
    support_email: str
    support_phone: str | None = None
    commission: CommissionOut | None = None
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None = None
    status_changed_at: datetime | None = None


class VendorFull(VendorSummary):
    """What the owner and admins see on the vendor itself."""

    kyc: list[KycOut]
    bank_accounts: list[BankOut]


class StatusChangeIn(ApiModel):
    status: Literal["active", "suspended", "rejected"]
    commission_type: Literal["percent", "fixed"] | None = None
    commission_value: Decimal | None = Field(None, ge=0, le=100_000_000, max_digits=12,
                                             description="percent (12.5) for percent; minor units for fixed")
    commission_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    reason: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _commission_pair(self) -> "StatusChangeIn":
        if (self.commission_type is None) != (self.commission_value is None):
            raise ValueError("commissionType and commissionValue go together")
        return self


class AuditOut(ApiModel):
    id: str
    from_status: str = Field(alias="from")
    to_status: str = Field(alias="to")
    actor_user_id: str | None = None
    reason: str | None = None
    at: datetime


class VendorList(Page[VendorSummary]):
    pass
