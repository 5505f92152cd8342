"""KYC documents and payout bank accounts of a vendor (owner or admin only).

Bank account numbers are encrypted before they reach the session (kernel.crypto); only the last four digits are
kept in clear, for the masked "****1234" every read returns.
"""
from __future__ import annotations

from sqlalchemy import func, select

from apps.vendors import domain
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import InvalidBankAccount, TooMany
from apps.vendors.orm import BankAccount, KycDocument
from apps.vendors.service import managed_vendor
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.crypto import DataCipher
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


async def _count(uow: UnitOfWork, model, vendor_id: str) -> int:
    return int(await uow.session.scalar(select(func.count()).select_from(model).where(model.vendor_id == vendor_id))
               or 0)


@use_case
async def submit_kyc(*, uow: UnitOfWork, settings: VendorsSettings, vendor_id: str, user: CurrentUser,
                     doc_type: str, doc_url: str) -> KycDocument:
    vendor = await managed_vendor(uow, vendor_id, user, lock=True)
    if await _count(uow, KycDocument, vendor.id) >= settings.max_kyc_documents:
        raise TooMany(f"A vendor may hold at most {settings.max_kyc_documents} KYC documents.")
    doc = KycDocument(id=new_id_str(), vendor_id=vendor.id, doc_type=doc_type, doc_url=doc_url,
                      status="submitted", submitted_by=user.id, created_at=utcnow())
    uow.session.add(doc)
    await uow.session.flush()
    uow.emit("vendor.kyc_submitted", {"vendorId": vendor.id, "documentId": doc.id, "docType": doc.doc_type,
                                      "status": doc.status, "submittedAt": doc.created_at}, key=vendor.id)
    return doc


async def list_kyc(*, uow: UnitOfWork, vendor_id: str) -> list[KycDocument]:
    """Unguarded: callers pass an id already checked by `managed_vendor`."""
    rows = await uow.session.scalars(select(KycDocument).where(KycDocument.vendor_id == vendor_id)
                                     .order_by(KycDocument.created_at, KycDocument.id))
    return list(rows)


def _checked_number(iban: str | None, account_no: str | None) -> tuple[str, str]:
    """(account_type, normalized number), or 422 naming the offending field."""
    if iban is not None:
        if not domain.iban_is_valid(iban):
            raise InvalidBankAccount("The IBAN is malformed or its check digits are wrong.",
                                     errors=[{"field": "iban", "message": "invalid IBAN (ISO 13616 mod 97)"}])
        return "iban", domain.normalize_account(iban)
    if account_no is None or not domain.account_no_is_valid(account_no):
        raise InvalidBankAccount("The account number must be 4 to 34 letters or digits.",
                                 errors=[{"field": "accountNo", "message": "invalid account number"}])
    return "account_no", domain.normalize_account(account_no)


@use_case
async def add_bank_account(*, uow: UnitOfWork, settings: VendorsSettings, cipher: DataCipher, vendor_id: str,
                           user: CurrentUser, account_holder: str, iban: str | None, account_no: str | None,
                           bank_name: str, country: str) -> BankAccount:
    vendor = await managed_vendor(uow, vendor_id, user, lock=True)
    account_type, number = _checked_number(iban, account_no)
    if await _count(uow, BankAccount, vendor.id) >= settings.max_bank_accounts:
        raise TooMany(f"A vendor may hold at most {settings.max_bank_accounts} bank accounts.")
    row = BankAccount(id=new_id_str(), vendor_id=vendor.id, account_holder=account_holder,
                      account_type=account_type, account_number_encrypted=cipher.encrypt(number),
                      account_last4=domain.last4(number), bank_name=bank_name, country=country,
                      created_by=user.id, created_at=utcnow())
    uow.session.add(row)
    await uow.session.flush()
    uow.emit("vendor.bank_account_added", {"vendorId": vendor.id, "bankAccountId": row.id,
                                           "accountType": account_type, "bankName": bank_name, "country": country,
                                           "addedAt": row.created_at}, key=vendor.id)
    return row


async def list_bank_accounts(*, uow: UnitOfWork, vendor_id: str) -> list[BankAccount]:
    """Unguarded: callers pass an id already checked by `managed_vendor`."""
    rows = await uow.session.scalars(select(BankAccount).where(BankAccount.vendor_id == vendor_id)
                                     .order_by(BankAccount.created_at, BankAccount.id))
    return list(rows)
