"""The vendors HTTP contract (API.md § Vendors): camelCase JSON, every field length-bounded."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-.]{3,30}$"
DOC_TYPE_PATTERN = r"^[a-z][a-z0-9_]{1,49}$"


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


def _url(value: AnyHttpUrl | None) -> str | None:
    return str(value) if value is not None else None


class ApplyIn(_Model):
    name: str = Field(min_length=2, max_length=200)
    support_email: EmailStr = Field(alias="supportEmail", max_length=320)
    support_phone: str | None = Field(None, alias="supportPhone", max_length=32, pattern=PHONE_PATTERN)


class ApplyOut(_Model):
    id: str
    slug: str
    status: str


class VendorUpdate(_Model):
    name: str | None = Field(None, min_length=2, max_length=200)
    support_email: EmailStr | None = Field(None, alias="supportEmail", max_length=320)
    support_phone: str | None = Field(None, alias="supportPhone", max_length=32, pattern=PHONE_PATTERN)
    description: str | None = Field(None, max_length=5000)
    logo_url: AnyHttpUrl | None = Field(None, alias="logoUrl")

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


class CommissionOut(_Model):
    type: Literal["percent", "fixed"]
    value: int = Field(description="basis points for percent (1000 = 10%), minor units for fixed")
    unit: Literal["basis_points", "minor_units"]
    currency: str | None = None
    active_from: datetime | None = Field(None, alias="activeFrom")


class KycIn(_Model):
    doc_type: str = Field(alias="docType", pattern=DOC_TYPE_PATTERN)
    doc_url: AnyHttpUrl = Field(alias="docUrl")

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


class KycOut(_Model):
    id: str
    vendor_id: str = Field(alias="vendorId")
    doc_type: str = Field(alias="docType")
    doc_url: str = Field(alias="docUrl")
    status: str
    created_at: datetime = Field(alias="createdAt")


class BankIn(_Model):
    account_holder: str = Field(alias="accountHolder", min_length=2, max_length=200)
    iban: str | None = Field(None, min_length=15, max_length=42)
    account_no: str | None = Field(None, alias="accountNo", min_length=4, max_length=42)
    bank_name: str = Field(alias="bankName", min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")

    @model_validator(mode="after")
    def _exactly_one_number(self) -> "BankIn":
        if (self.iban is None) == (self.account_no is None):
            raise ValueError("send exactly one of iban or accountNo")
        self.country = self.country.upper()
        return self


class BankOut(_Model):
    id: str
    vendor_id: str = Field(alias="vendorId")
    account_holder: str = Field(alias="accountHolder")
    account_type: Literal["iban", "account_no"] = Field(alias="accountType")
    account_masked: str = Field(alias="accountMasked", description='e.g. "****1234"; the number is never returned')
    bank_name: str = Field(alias="bankName")
    country: str
    created_at: datetime = Field(alias="createdAt")


class VendorPublic(_Model):
    id: str
    name: str
    slug: str
    status: str
    description: str | None = None
    logo_url: str | None = Field(None, alias="logoUrl")


class VendorSummary(VendorPublic):
    """What admins see in lists."""

    owner_user_id: str = Field(alias="ownerUserId")
    support_email: str = Field(alias="supportEmail")
    support_phone: str | None = Field(None, alias="supportPhone")
    commission: CommissionOut | None = None
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    approved_at: datetime | None = Field(None, alias="approvedAt")
    status_changed_at: datetime | None = Field(None, alias="statusChangedAt")


class VendorFull(VendorSummary):
    """What the owner and admins see on the vendor itself."""

    kyc: list[KycOut]
    bank_accounts: list[BankOut] = Field(alias="bankAccounts")


class StatusChangeIn(_Model):
    status: Literal["active", "suspended", "rejected"]
    commission_type: Literal["percent", "fixed"] | None = Field(None, alias="commissionType")
    commission_value: Decimal | None = Field(None, alias="commissionValue", ge=0, le=100_000_000, max_digits=12,
                                             description="percent (12.5) for percent; minor units for fixed")
    commission_currency: str | None = Field(None, alias="commissionCurrency", pattern=r"^[A-Z]{3}$")
    reason: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _commission_pair(self) -> "StatusChangeIn":
        if (self.commission_type is None) != (self.commission_value is None):
            raise ValueError("commissionType and commissionValue go together")
        return self


class AuditOut(_Model):
    id: str
    from_status: str = Field(alias="from")
    to_status: str = Field(alias="to")
    actor_user_id: str | None = Field(None, alias="actorUserId")
    reason: str | None = None
    at: datetime


class VendorList(_Model):
    items: list[VendorSummary]
    total: int
    page: int
    per_page: int = Field(alias="perPage")
