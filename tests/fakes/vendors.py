"""An in-memory stand-in for the vendors database (VendorRepository): vendors, commission rules, the status
audit, KYC documents and bank accounts. Rows an uncommitted unit of work added are dropped; loaded rows change in
place."""
from __future__ import annotations

from apps.vendors.orm import BankAccount, CommissionRule, KycDocument, Vendor, VendorStatusAudit
from apps.vendors.repository import VendorRepository
from kernel.clock import utcnow
from kernel.testing import FakeRepository, FakeUnitOfWork


class FakeVendorRepository(FakeRepository):
    async def vendor(self, vendor_id: str, *, lock: bool = False) -> Vendor | None:
        return next((v for v in self.rows(Vendor) if v.id == vendor_id), None)

    async def vendor_of_owner(self, owner_user_id: str) -> Vendor | None:
        return next((v for v in self.rows(Vendor) if v.owner_user_id == owner_user_id), None)

    async def slug_taken(self, slug: str) -> bool:
        return any(v.slug == slug for v in self.rows(Vendor))

    async def current_commissions(self, vendor_ids: list[str]) -> dict[str, CommissionRule]:
        now, found = utcnow(), {}
        for rule in sorted(self.rows(CommissionRule), key=lambda r: r.active_from):
            if rule.vendor_id in vendor_ids and rule.category_id is None and rule.active_from <= now:
                found[rule.vendor_id] = rule
        return found

    async def status_history(self, vendor_id: str) -> list[VendorStatusAudit]:
        return sorted((a for a in self.rows(VendorStatusAudit) if a.vendor_id == vendor_id), key=lambda a: a.at)

    async def count_of(self, model: type, vendor_id: str) -> int:
        return sum(1 for row in self.rows(model) if row.vendor_id == vendor_id)

    async def kyc_documents(self, vendor_id: str) -> list[KycDocument]:
        return sorted((d for d in self.rows(KycDocument) if d.vendor_id == vendor_id), key=lambda d: d.created_at)

    async def kyc_document(self, vendor_id: str, doc_id: str) -> KycDocument | None:
        return next((d for d in self.rows(KycDocument) if d.vendor_id == vendor_id and d.id == doc_id), None)

    async def bank_accounts(self, vendor_id: str) -> list[BankAccount]:
        return sorted((b for b in self.rows(BankAccount) if b.vendor_id == vendor_id), key=lambda b: b.created_at)


def vendors_world() -> tuple[FakeUnitOfWork, FakeVendorRepository]:
    repo = FakeVendorRepository()
    return FakeUnitOfWork({VendorRepository: repo}), repo
