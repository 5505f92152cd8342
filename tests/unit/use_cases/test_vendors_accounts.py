"""Vendors' KYC, bank-account and role-sync use cases on the fake unit of work: the limits, the checks that name
the offending field, uploads stored before the commit, the guarded file read-back, and auth hearing of a status
change only after it is committed (kernel.testing.FakeServiceClients answers for auth)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from apps.vendors import queries
from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import (
    DocumentTooLarge,
    InvalidBankAccount,
    KycFileNotFound,
    NotVendorOwner,
    TooMany,
    UnsupportedDocument,
    VendorNotFound,
)
from apps.vendors.kyc_files import MAX_BYTES
from apps.vendors.use_cases.add_bank_account import add_bank_account
from apps.vendors.use_cases.apply import apply
from apps.vendors.use_cases.change_status import StatusChange, change_status_and_sync_role
from apps.vendors.use_cases.submit_kyc import submit_kyc
from apps.vendors.use_cases.upload_kyc import upload_kyc
from kernel.auth import CurrentUser
from kernel.crypto import DataCipher, generate_key
from kernel.storage import StoredObject
from kernel.testing import FakeServiceClients, run_use_case
from tests.fakes.vendors import vendors_world

OWNER = CurrentUser(id="0190a000-0000-7000-8000-0000000000e1", roles=("customer",))
STRANGER = CurrentUser(id="0190a000-0000-7000-8000-0000000000e2", roles=("customer",))
ADMIN = CurrentUser(id="0190a000-0000-7000-8000-0000000000ad", roles=("super_admin",))
PDF = b"%PDF-1.7 a scan"


def _settings(**limits) -> VendorsSettings:
    return VendorsSettings(default_commission_percent=Decimal("10"), public_base_url="https://mkt.test", **limits)


class MemoryStorage:
    """The ObjectStorage calls the KYC use cases make, in a dict; `fail` makes put raise as a full disk would."""

    def __init__(self, *, fail: bool = False) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.fail = fail

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        if self.fail:
            raise OSError("disk full")
        self.objects[key] = (data, content_type)

    async def get(self, key: str) -> StoredObject | None:
        found = self.objects.get(key)
        return StoredObject(found[0], found[1]) if found else None


async def _vendor(uow, status="active"):
    vendor = await run_use_case(uow, apply, owner=OWNER, name="Acme Tools", support_email="a@acme.test",
                                support_phone=None)
    if status != "pending":
        vendor.status = status
    return vendor


async def _kyc(uow, vendor, user=OWNER, settings=None):
    return await run_use_case(uow, submit_kyc, settings=settings or _settings(), vendor_id=vendor.id, user=user,
                              doc_type="passport", doc_url="https://docs.test/p.pdf")


async def test_kyc_documents_are_filed_announced_and_limited_per_vendor():
    uow, _ = vendors_world()
    vendor = await _vendor(uow)
    settings = _settings(max_kyc_documents=2)
    await _kyc(uow, vendor, settings=settings)
    await _kyc(uow, vendor, user=ADMIN, settings=settings)
    with pytest.raises(TooMany):
        await _kyc(uow, vendor, settings=settings)
    assert len(uow.events("vendor.kyc_submitted")) == 2
    assert [d.submitted_by for d in await queries.list_kyc(uow, vendor.id, OWNER)] == [OWNER.id, ADMIN.id]


async def test_outsiders_neither_file_nor_read_documents():
    uow, _ = vendors_world()
    pending = await _vendor(uow, status="pending")
    with pytest.raises(VendorNotFound):  # a pending vendor does not exist for them
        await _kyc(uow, pending, user=STRANGER)
    pending.status = "active"
    with pytest.raises(NotVendorOwner):
        await _kyc(uow, pending, user=STRANGER)
    with pytest.raises(NotVendorOwner):
        await queries.list_bank_accounts(uow, pending.id, STRANGER)
    assert uow.events("vendor.kyc_submitted") == []


async def _bank(uow, vendor, settings=None, **number):
    return await run_use_case(uow, add_bank_account, settings=settings or _settings(),
                              cipher=DataCipher(generate_key()), vendor_id=vendor.id, user=OWNER,
                              account_holder="Acme Ltd", iban=number.get("iban"),
                              account_no=number.get("account_no"), bank_name="West", country="GB")


@pytest.mark.parametrize(("number", "field"), [({"iban": "GB82 WEST 1234 5698 7654 33"}, "iban"),
                                               ({"account_no": "12"}, "accountNo"),
                                               ({}, "accountNo")])
async def test_a_bad_account_number_is_a_422_naming_its_field(number, field):
    uow, _ = vendors_world()
    vendor = await _vendor(uow)
    with pytest.raises(InvalidBankAccount) as raised:
        await _bank(uow, vendor, **number)
    assert raised.value.errors[0]["field"] == field
    assert uow.events("vendor.bank_account_added") == []


async def test_bank_accounts_keep_only_the_last_four_in_clear_and_are_limited():
    uow, _ = vendors_world()
    vendor = await _vendor(uow)
    settings = _settings(max_bank_accounts=1)
    row = await _bank(uow, vendor, settings=settings, account_no="DE-1234 5678")
    assert (row.account_type, row.account_last4) == ("account_no", "5678")
    assert "12345678" not in row.account_number_encrypted
    with pytest.raises(TooMany):
        await _bank(uow, vendor, settings=settings, iban="GB82 WEST 1234 5698 7654 32")
    assert [e["accountType"] for e in uow.events("vendor.bank_account_added")] == ["account_no"]


async def _upload(uow, vendor, storage, data=PDF):
    return await run_use_case(uow, upload_kyc, settings=_settings(), storage=storage, vendor_id=vendor.id,
                              user=OWNER, doc_type="passport", data=data)


async def test_an_upload_is_stored_under_its_document_and_read_back_only_through_the_guard():
    uow, _ = vendors_world()
    vendor, storage = await _vendor(uow), MemoryStorage()
    doc = await _upload(uow, vendor, storage)

    assert doc.doc_url == f"https://mkt.test/v1/vendors/{vendor.id}/kyc/{doc.id}/file"
    assert storage.objects[f"kyc/{vendor.id}/{doc.id}"] == (PDF, "application/pdf")
    got = await queries.read_kyc_file(uow=uow, storage=storage, vendor_id=vendor.id, doc_id=doc.id, user=ADMIN)
    assert (got.data, got.content_type) == (PDF, "application/pdf")
    with pytest.raises(NotVendorOwner):
        await queries.read_kyc_file(uow=uow, storage=storage, vendor_id=vendor.id, doc_id=doc.id, user=STRANGER)
    for missing in ("not-a-uuid", "0190a000-0000-7000-8000-0000000000ff"):
        with pytest.raises(KycFileNotFound):
            await queries.read_kyc_file(uow=uow, storage=storage, vendor_id=vendor.id, doc_id=missing, user=OWNER)


@pytest.mark.parametrize(("data", "error"), [(b"MZ\x90\x00 an executable", UnsupportedDocument),
                                             (b"%PDF-" + b"0" * MAX_BYTES, DocumentTooLarge)])
async def test_what_is_not_a_document_is_refused_before_anything_is_filed(data, error):
    uow, _ = vendors_world()
    vendor, storage = await _vendor(uow), MemoryStorage()
    with pytest.raises(error):
        await _upload(uow, vendor, storage, data)
    assert storage.objects == {} and uow.events("vendor.kyc_submitted") == []


async def test_a_failed_store_leaves_no_document_pointing_at_a_missing_file():
    uow, repo = vendors_world()
    vendor = await _vendor(uow)
    with pytest.raises(OSError):
        await _upload(uow, vendor, MemoryStorage(fail=True))
    assert await repo.kyc_documents(vendor.id) == [] and uow.events("vendor.kyc_submitted") == []


async def _change(uow, clients, vendor, status):
    return await change_status_and_sync_role(uow=uow, clients=clients, settings=_settings(), vendor_id=vendor.id,
                                             actor=ADMIN, change=StatusChange(status=status))


async def test_auth_hears_of_approval_and_suspension_after_the_commit_and_never_of_a_rejection():
    uow, _ = vendors_world()
    clients = FakeServiceClients()
    role = f"/internal/v1/users/{OWNER.id}/vendor-role"
    clients.answer("auth", "PUT", role, json={"ok": True})
    vendor = await _vendor(uow, status="pending")
    await _change(uow, clients, vendor, "active")
    approved_at = vendor.status_changed_at.isoformat()
    assert uow.commits == 2 and clients.requests_to("auth") == [
        (role, {"vendorId": vendor.id, "active": True, "changedAt": approved_at})]
    await _change(uow, clients, vendor, "suspended")
    suspended = clients.requests_to("auth")[-1]
    assert suspended[0] == role and suspended[1]["active"] is False and suspended[1]["changedAt"] > approved_at

    other_uow, _ = vendors_world()
    rejected = await _vendor(other_uow, status="pending")
    await _change(other_uow, clients, rejected, "rejected")
    assert len(clients.requests_to("auth")) == 2


@pytest.mark.parametrize("auth", ["down", "refuses"])
async def test_an_unreachable_or_refusing_auth_does_not_undo_the_committed_change(auth):
    uow, _ = vendors_world()
    clients = FakeServiceClients()
    if auth == "down":
        clients.down("auth")
    vendor = await _vendor(uow, status="pending")
    approved, _ = await _change(uow, clients, vendor, "active")
    assert approved.status == "active" and uow.event_types()[-1] == "vendor.approved"
