"""Reads: one vendor (and the guards every vendor route and use case goes through: who may manage it, which one
is the caller's own), the commission in force, the admin list, the status audit, KYC documents and bank accounts,
and an uploaded KYC file. Nothing here writes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from apps.vendors import domain
from apps.vendors.exceptions import KycFileNotFound, NotVendorOwner, VendorNotFound
from apps.vendors.kyc_files import KycFile, key_for, sniff
from apps.vendors.orm import BankAccount, CommissionRule, KycDocument, Vendor, VendorStatusAudit
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.ids import is_uuid
from kernel.paging import Found, Paging, fetch_page
from kernel.storage import ObjectStorage
from kernel.lookup import by_uuid
from kernel.uow import UnitOfWork


async def get_vendor(uow: UnitOfWork, vendor_id: str, *, lock: bool = False) -> Vendor:
    return await by_uuid(vendor_id, lambda i: uow.repository(VendorRepository).vendor(i, lock=lock), VendorNotFound, "vendor")


def can_manage(vendor: Vendor, user: CurrentUser | None) -> bool:
    if user is None:
        return False
    return user.is_admin or user.id == vendor.owner_user_id or (
        user.has_any("vendor_admin") and user.vendor_id == vendor.id)


async def managed_vendor(uow: UnitOfWork, vendor_id: str, user: CurrentUser, *, lock: bool = False) -> Vendor:
    """The vendor if `user` may manage it. Outsiders get 404 for vendors the public cannot see, else 403."""
    vendor = await get_vendor(uow, vendor_id, lock=lock)
    if not can_manage(vendor, user):
        if vendor.status != domain.VendorStatus.ACTIVE:
            raise VendorNotFound(f"No vendor {vendor_id!r}.")
        raise NotVendorOwner("Only the vendor's owner or an admin may do this.")
    return vendor


async def own_vendor(uow: UnitOfWork, user: CurrentUser) -> Vendor:
    """The vendor this user applied for (owner), else the one their token names."""
    vendors = uow.repository(VendorRepository)
    vendor = await vendors.vendor_of_owner(user.id)
    if vendor is None and user.vendor_id and is_uuid(user.vendor_id):
        vendor = await vendors.vendor(user.vendor_id)
    if vendor is None:
        raise VendorNotFound("This account has no vendor application.")
    return vendor


async def current_commissions(uow: UnitOfWork, vendor_ids: list[str]) -> dict[str, CommissionRule]:
    """The vendor-wide rule in force for each vendor (latest active_from that has started)."""
    if not vendor_ids:
        return {}
    return await uow.repository(VendorRepository).current_commissions(vendor_ids)


@dataclass(frozen=True)
class VendorDetails:
    """What the owner and admins see beside the vendor itself."""

    commission: CommissionRule | None
    kyc: list[KycDocument]
    bank_accounts: list[BankAccount]


async def vendor_details(uow: UnitOfWork, vendor: Vendor) -> VendorDetails:
    """Unguarded: callers pass a vendor already checked by `can_manage`/`managed_vendor`."""
    vendors = uow.repository(VendorRepository)
    return VendorDetails((await current_commissions(uow, [vendor.id])).get(vendor.id),
                         await vendors.kyc_documents(vendor.id), await vendors.bank_accounts(vendor.id))


async def list_kyc(uow: UnitOfWork, vendor_id: str, user: CurrentUser) -> list[KycDocument]:
    vendor = await managed_vendor(uow, vendor_id, user)
    return await uow.repository(VendorRepository).kyc_documents(vendor.id)


async def list_bank_accounts(uow: UnitOfWork, vendor_id: str, user: CurrentUser) -> list[BankAccount]:
    vendor = await managed_vendor(uow, vendor_id, user)
    return await uow.repository(VendorRepository).bank_accounts(vendor.id)


async def read_kyc_file(*, uow: UnitOfWork, storage: ObjectStorage, vendor_id: str, doc_id: str,
                        user: CurrentUser) -> KycFile:
    vendor = await managed_vendor(uow, vendor_id, user)
    doc = await uow.repository(VendorRepository).kyc_document(vendor.id, doc_id) if is_uuid(doc_id) else None
    obj = await storage.get(key_for(vendor.id, doc.id)) if doc is not None else None
    if obj is None:
        raise KycFileNotFound(f"No uploaded file for document {doc_id[:64]!r}.")
    return KycFile(obj.data, sniff(obj.data) or "application/octet-stream")


async def list_vendors(*, uow: UnitOfWork, status: str | None, paging: Paging) -> Found[Vendor]:
    stmt = select(Vendor)
    if status:
        stmt = stmt.where(Vendor.status == status)
    return await fetch_page(uow.session, stmt, paging, order_by=[Vendor.created_at.desc(), Vendor.id.desc()])


async def status_history(*, uow: UnitOfWork, vendor_id: str) -> list[VendorStatusAudit]:
    vendor = await get_vendor(uow, vendor_id)
    return await uow.repository(VendorRepository).status_history(vendor.id)
