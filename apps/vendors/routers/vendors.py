"""Vendor-facing routes (API.md § Vendors): apply, the vendor itself, its KYC documents and bank accounts. Thin —
schema in, one use case or query, views.py out."""
from __future__ import annotations

from fastapi import APIRouter, status

from apps.vendors import domain, queries, views
from apps.vendors.dependencies import CipherDep, OptionalUserDep, SettingsDep
from apps.vendors.exceptions import VendorNotFound
from apps.vendors.schemas import (
    ApplyIn,
    ApplyOut,
    BankIn,
    BankOut,
    KycIn,
    KycOut,
    VendorFull,
    VendorPublic,
    VendorUpdate,
)
from apps.vendors.use_cases.add_bank_account import add_bank_account as add_bank_account_use_case
from apps.vendors.use_cases.apply import apply as apply_use_case
from apps.vendors.use_cases.submit_kyc import submit_kyc as submit_kyc_use_case
from apps.vendors.use_cases.update_profile import update_profile
from kernel.auth import CurrentUserDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["vendors"])


@router.post("/vendors/apply", status_code=status.HTTP_201_CREATED, response_model=ApplyOut)
async def apply(body: ApplyIn, uow: UowDep, user: CurrentUserDep) -> ApplyOut:
    vendor = await apply_use_case(uow=uow, owner=user, name=body.name, support_email=body.support_email,
                                  support_phone=body.support_phone)
    return ApplyOut(id=vendor.id, slug=vendor.slug, status=vendor.status)


@router.get("/vendors/mine", response_model=VendorFull,
            description="The caller's own vendor application (any state), so an applicant can follow it before "
                        "approval puts the vendorId in their token; 404 when they never applied.")
async def my_vendor(uow: UowDep, user: CurrentUserDep) -> VendorFull:
    async with uow.reading():
        vendor = await queries.own_vendor(uow, user)
        return views.full_out(vendor, await queries.vendor_details(uow, vendor))


@router.get("/vendors/{vendor_id}", response_model=VendorFull | VendorPublic,
            description="Public view of an active vendor; the full view for its owner or an admin.")
async def get_vendor(vendor_id: str, uow: UowDep, user: OptionalUserDep) -> VendorFull | VendorPublic:
    async with uow.reading():
        vendor = await queries.get_vendor(uow, vendor_id)
        if queries.can_manage(vendor, user):
            return views.full_out(vendor, await queries.vendor_details(uow, vendor))
        if vendor.status != domain.VendorStatus.ACTIVE:
            raise VendorNotFound(f"No vendor {vendor_id!r}.")
        return views.public_out(vendor)


@router.patch("/vendors/{vendor_id}", response_model=VendorFull)
async def update_vendor(vendor_id: str, body: VendorUpdate, uow: UowDep, user: CurrentUserDep) -> VendorFull:
    vendor = await update_profile(uow=uow, vendor_id=vendor_id, user=user, changes=body.changes())
    async with uow.reading():  # read back after the update's commit: its KYC documents and bank accounts
        return views.full_out(vendor, await queries.vendor_details(uow, vendor))


@router.post("/vendors/{vendor_id}/kyc", status_code=status.HTTP_201_CREATED, response_model=KycOut)
async def submit_kyc(vendor_id: str, body: KycIn, uow: UowDep, user: CurrentUserDep,
                     settings: SettingsDep) -> KycOut:
    doc = await submit_kyc_use_case(uow=uow, settings=settings, vendor_id=vendor_id, user=user,
                                    doc_type=body.doc_type, doc_url=str(body.doc_url))
    return views.kyc_out(doc)


@router.get("/vendors/{vendor_id}/kyc")
async def list_kyc(vendor_id: str, uow: UowDep, user: CurrentUserDep) -> dict[str, list[KycOut]]:
    async with uow.reading():
        return {"items": [views.kyc_out(d) for d in await queries.list_kyc(uow, vendor_id, user)]}


@router.post("/vendors/{vendor_id}/bank", status_code=status.HTTP_201_CREATED, response_model=BankOut)
async def add_bank_account(vendor_id: str, body: BankIn, uow: UowDep, user: CurrentUserDep, settings: SettingsDep,
                           cipher: CipherDep) -> BankOut:
    row = await add_bank_account_use_case(
        uow=uow, settings=settings, cipher=cipher, vendor_id=vendor_id, user=user,
        account_holder=body.account_holder, iban=body.iban, account_no=body.account_no,
        bank_name=body.bank_name, country=body.country)
    return views.bank_out(row)


@router.get("/vendors/{vendor_id}/bank")
async def list_bank_accounts(vendor_id: str, uow: UowDep, user: CurrentUserDep) -> dict[str, list[BankOut]]:
    async with uow.reading():
        return {"items": [views.bank_out(b) for b in await queries.list_bank_accounts(uow, vendor_id, user)]}
