"""The owner (or an admin) adds a payout bank account: an IBAN (mod-97 checked) or a plain account number, at most
`max_bank_accounts` per vendor. The number is encrypted before it reaches the session (kernel.crypto); only the
last four digits are kept in clear, for the masked "****1234" every read returns."""
from __future__ import annotations

from apps.vendors import domain
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import InvalidBankAccount, TooMany
from apps.vendors.orm import BankAccount
from apps.vendors.queries import managed_vendor
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.crypto import DataCipher
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


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
    vendors = uow.repository(VendorRepository)
    if await vendors.count_of(BankAccount, vendor.id) >= settings.max_bank_accounts:
        raise TooMany(f"A vendor may hold at most {settings.max_bank_accounts} bank accounts.")
    row = BankAccount(id=new_id_str(), vendor_id=vendor.id, account_holder=account_holder,
                      account_type=account_type, account_number_encrypted=cipher.encrypt(number),
                      account_last4=domain.last4(number), bank_name=bank_name, country=country,
                      created_by=user.id, created_at=utcnow())
    await vendors.add(row)
    uow.emit("vendor.bank_account_added", {"vendorId": vendor.id, "bankAccountId": row.id,
                                           "accountType": account_type, "bankName": bank_name, "country": country,
                                           "addedAt": row.created_at}, key=vendor.id)
    return row
