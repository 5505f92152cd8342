"""Vendor routes (API.md § Vendors): thin — schema in, service call, schema out."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status

from apps.vendors import accounts, domain, role_sync, service
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import VendorNotFound
from apps.vendors.orm import BankAccount, CommissionRule, KycDocument, Vendor
from apps.vendors.schemas import (
    ApplyIn,
    ApplyOut,
    AuditOut,
    BankIn,
    BankOut,
    CommissionOut,
    KycIn,
    KycOut,
    StatusChangeIn,
    VendorFull,
    VendorList,
    VendorPublic,
    VendorSummary,
    VendorUpdate,
)
from kernel.auth import AdminDep, CurrentUser, CurrentUserDep, optional_user
from kernel.crypto import DataCipher
from kernel.paging import Paging, paging_query
from kernel.service_app import ServiceClientsDep, UowDep
from kernel.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["vendors"])
OptionalUserDep = Annotated[CurrentUser | None, Depends(optional_user)]


def _settings(request: Request) -> VendorsSettings:
    return request.app.state.settings


def _cipher(request: Request) -> DataCipher:
    return request.app.state.cipher


SettingsDep = Annotated[VendorsSettings, Depends(_settings)]
CipherDep = Annotated[DataCipher, Depends(_cipher)]


# ---- ORM → schema ------------------------------------------------------------------------------------------------

def _commission(rule: CommissionRule | None) -> CommissionOut | None:
    data = service.commission_payload(rule)
    return CommissionOut.model_validate({k: v for k, v in data.items() if k != "categoryId"}) if data else None


def _public(v: Vendor) -> VendorPublic:
    return VendorPublic(id=v.id, name=v.name, slug=v.slug, status=v.status, description=v.description,
                        logoUrl=v.logo_url)


def _summary_fields(v: Vendor, rule: CommissionRule | None) -> dict:
    return {**_public(v).model_dump(), "owner_user_id": v.owner_user_id, "support_email": v.support_email,
            "support_phone": v.support_phone, "commission": _commission(rule), "created_at": v.created_at,
            "updated_at": v.updated_at, "approved_at": v.approved_at, "status_changed_at": v.status_changed_at}


def _kyc(d: KycDocument) -> KycOut:
    return KycOut(id=d.id, vendorId=d.vendor_id, docType=d.doc_type, docUrl=d.doc_url, status=d.status,
                  createdAt=d.created_at)


def _bank(b: BankAccount) -> BankOut:
    return BankOut(id=b.id, vendorId=b.vendor_id, accountHolder=b.account_holder, accountType=b.account_type,
                   accountMasked=domain.mask(b.account_last4), bankName=b.bank_name, country=b.country,
                   createdAt=b.created_at)


async def _full(uow: UnitOfWork, v: Vendor) -> VendorFull:
    rule = (await service.current_commissions(uow, [v.id])).get(v.id)
    kyc = await accounts.list_kyc(uow=uow, vendor_id=v.id)
    banks = await accounts.list_bank_accounts(uow=uow, vendor_id=v.id)
    return VendorFull(**_summary_fields(v, rule), kyc=[_kyc(d) for d in kyc], bank_accounts=[_bank(b) for b in banks])


# ---- vendor-facing -----------------------------------------------------------------------------------------------

@router.post("/vendors/apply", status_code=status.HTTP_201_CREATED, response_model=ApplyOut)
async def apply(body: ApplyIn, uow: UowDep, user: CurrentUserDep) -> ApplyOut:
    vendor = await service.apply(uow=uow, owner=user, name=body.name, support_email=body.support_email,
                                 support_phone=body.support_phone)
    return ApplyOut(id=vendor.id, slug=vendor.slug, status=vendor.status)


@router.get("/vendors/mine", response_model=VendorFull,
            description="The caller's own vendor application (any state), so an applicant can follow it before "
                        "approval puts the vendorId in their token; 404 when they never applied.")
async def my_vendor(uow: UowDep, user: CurrentUserDep) -> VendorFull:
    async with uow:
        return await _full(uow, await service.own_vendor(uow, user))


@router.get("/vendors/{vendor_id}", response_model=VendorFull | VendorPublic,
            description="Public view of an active vendor; the full view for its owner or an admin.")
async def get_vendor(vendor_id: str, uow: UowDep, user: OptionalUserDep) -> VendorFull | VendorPublic:
    async with uow:
        vendor = await service.get_vendor(uow, vendor_id)
        if service.can_manage(vendor, user):
            return await _full(uow, vendor)
        if vendor.status != domain.VendorStatus.ACTIVE:
            raise VendorNotFound(f"No vendor {vendor_id!r}.")
        return _public(vendor)


@router.patch("/vendors/{vendor_id}", response_model=VendorFull)
async def update_vendor(vendor_id: str, body: VendorUpdate, uow: UowDep, user: CurrentUserDep) -> VendorFull:
    vendor = await service.update(uow=uow, vendor_id=vendor_id, user=user, changes=body.changes())
    async with uow:  # read back after the update's commit: its KYC documents and bank accounts
        return await _full(uow, vendor)


@router.post("/vendors/{vendor_id}/kyc", status_code=status.HTTP_201_CREATED, response_model=KycOut)
async def submit_kyc(vendor_id: str, body: KycIn, uow: UowDep, user: CurrentUserDep,
                     settings: SettingsDep) -> KycOut:
    doc = await accounts.submit_kyc(uow=uow, settings=settings, vendor_id=vendor_id, user=user,
                                    doc_type=body.doc_type, doc_url=str(body.doc_url))
    return _kyc(doc)


@router.get("/vendors/{vendor_id}/kyc")
async def list_kyc(vendor_id: str, uow: UowDep, user: CurrentUserDep) -> dict[str, list[KycOut]]:
    async with uow:
        vendor = await service.managed_vendor(uow, vendor_id, user)
        return {"items": [_kyc(d) for d in await accounts.list_kyc(uow=uow, vendor_id=vendor.id)]}


@router.post("/vendors/{vendor_id}/bank", status_code=status.HTTP_201_CREATED, response_model=BankOut)
async def add_bank_account(vendor_id: str, body: BankIn, uow: UowDep, user: CurrentUserDep, settings: SettingsDep,
                           cipher: CipherDep) -> BankOut:
    row = await accounts.add_bank_account(
        uow=uow, settings=settings, cipher=cipher, vendor_id=vendor_id, user=user,
        account_holder=body.account_holder, iban=body.iban, account_no=body.account_no,
        bank_name=body.bank_name, country=body.country)
    return _bank(row)


@router.get("/vendors/{vendor_id}/bank")
async def list_bank_accounts(vendor_id: str, uow: UowDep, user: CurrentUserDep) -> dict[str, list[BankOut]]:
    async with uow:
        vendor = await service.managed_vendor(uow, vendor_id, user)
        return {"items": [_bank(b) for b in await accounts.list_bank_accounts(uow=uow, vendor_id=vendor.id)]}


# ---- admin -------------------------------------------------------------------------------------------------------

@router.get("/admin/vendors", response_model=VendorList)
async def admin_list_vendors(
    uow: UowDep, _: AdminDep, *,
    status_: Annotated[Literal["pending", "active", "suspended", "rejected"] | None, Query(alias="status")] = None,
    paging: Annotated[Paging, Depends(paging_query(max_page=100_000))],
) -> VendorList:
    async with uow:
        vendors, total = await service.list_vendors(uow=uow, status=status_, page=paging.page,
                                                    per_page=paging.per_page)
        rules = await service.current_commissions(uow, [v.id for v in vendors])
    return VendorList.of([VendorSummary(**_summary_fields(v, rules.get(v.id))) for v in vendors], total, paging)


@router.patch("/admin/vendors/{vendor_id}/status", response_model=VendorSummary)
async def admin_change_status(vendor_id: str, body: StatusChangeIn, uow: UowDep, admin: AdminDep,
                              settings: SettingsDep, clients: ServiceClientsDep) -> VendorSummary:
    change = service.StatusChange(
        status=body.status, reason=body.reason,
        commission=service.parse_commission(body.commission_type, body.commission_value, body.commission_currency))
    vendor, rule = await service.change_status(uow=uow, settings=settings, vendor_id=vendor_id, actor=admin,
                                               change=change)
    await role_sync.sync_owner_role(clients, vendor)  # after the commit: auth only hears of committed changes
    return VendorSummary(**_summary_fields(vendor, rule))


@router.get("/admin/vendors/{vendor_id}/audit")
async def admin_status_history(vendor_id: str, uow: UowDep, _: AdminDep) -> dict[str, list[AuditOut]]:
    async with uow:
        rows = await service.status_history(uow=uow, vendor_id=vendor_id)
    return {"items": [AuditOut(id=r.id, **{"from": r.from_status, "to": r.to_status}, actorUserId=r.actor_user_id,
                               reason=r.reason, at=r.at) for r in rows]}
