"""Events produced by the vendors domain (topic vendors.v1, key = vendorId).

Support contacts and bank account numbers are PII or secrets and stay in the vendors database; events carry ids,
statuses, the commission and timestamps, enough for the warehouse, the auth reaction and payouts downstream.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import VENDORS

VendorStatus = Literal["pending", "active", "suspended", "rejected"]


class Commission(Payload):
    type: Literal["percent", "fixed"]
    # percent: basis points (1000 = 10%); fixed: minor units of `currency` per order item.
    value: int = Field(ge=0)
    unit: Literal["basis_points", "minor_units"]
    currency: str | None = None
    category_id: str | None = Field(None, alias="categoryId")
    active_from: datetime = Field(alias="activeFrom")


class VendorApplied(Payload):
    vendor_id: str = Field(alias="vendorId")
    owner_user_id: str = Field(alias="ownerUserId")
    name: str
    slug: str
    status: VendorStatus
    applied_at: datetime = Field(alias="appliedAt")


class VendorStatusChanged(Payload):
    vendor_id: str = Field(alias="vendorId")
    owner_user_id: str = Field(alias="ownerUserId")
    name: str
    slug: str
    status: VendorStatus
    previous_status: VendorStatus = Field(alias="previousStatus")
    commission: Commission | None = None
    reason: str | None = None
    actor_user_id: str | None = Field(None, alias="actorUserId")
    changed_at: datetime = Field(alias="changedAt")


class VendorUpdated(Payload):
    vendor_id: str = Field(alias="vendorId")
    name: str
    slug: str
    status: VendorStatus
    changed_fields: list[str] = Field(alias="changedFields")
    updated_at: datetime = Field(alias="updatedAt")


class VendorKycSubmitted(Payload):
    vendor_id: str = Field(alias="vendorId")
    document_id: str = Field(alias="documentId")
    doc_type: str = Field(alias="docType")
    status: str
    submitted_at: datetime = Field(alias="submittedAt")


class VendorBankAccountAdded(Payload):
    vendor_id: str = Field(alias="vendorId")
    bank_account_id: str = Field(alias="bankAccountId")
    account_type: Literal["iban", "account_no"] = Field(alias="accountType")
    bank_name: str = Field(alias="bankName")
    country: str
    added_at: datetime = Field(alias="addedAt")


CONTRACTS = [
    Contract("vendor.applied", 1, VENDORS, VendorApplied),
    Contract("vendor.approved", 1, VENDORS, VendorStatusChanged),
    Contract("vendor.rejected", 1, VENDORS, VendorStatusChanged),
    Contract("vendor.suspended", 1, VENDORS, VendorStatusChanged),
    Contract("vendor.reinstated", 1, VENDORS, VendorStatusChanged),
    Contract("vendor.updated", 1, VENDORS, VendorUpdated),
    Contract("vendor.kyc_submitted", 1, VENDORS, VendorKycSubmitted),
    Contract("vendor.bank_account_added", 1, VENDORS, VendorBankAccountAdded),
]
