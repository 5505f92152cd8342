"""The vendors database as the vendor use cases see it (`uow.repository(VendorRepository)`): vendors, their
commission rules, the status audit, KYC documents and bank accounts, so the decisions (one application per owner,
who may manage, the status machine and the commission it grants, the document and account limits) run in unit
tests on an in-memory stand-in (tests/fakes/vendors.py). The admin listing (queries.list_vendors) pages the
session directly."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on

from apps.vendors.orm import BankAccount, CommissionRule, KycDocument, Vendor, VendorStatusAudit
from kernel.clock import utcnow
from kernel.uow import Repository


class VendorRepository(Repository):
    async def vendor(self, vendor_id: str, *, lock: bool = False) -> Vendor | None:
        stmt = select(Vendor).where(Vendor.id == vendor_id)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def vendor_of_owner(self, owner_user_id: str) -> Vendor | None:
        return await self.session.scalar(select(Vendor).where(Vendor.owner_user_id == owner_user_id))

    async def slug_taken(self, slug: str) -> bool:
        return bool(await self.session.scalar(select(Vendor.id).where(Vendor.slug == slug)))

    async def current_commissions(self, vendor_ids: list[str]) -> dict[str, CommissionRule]:
        """The vendor-wide rule in force for each vendor (latest active_from that has started)."""
        rows = await self.session.scalars(
            select(CommissionRule)
            .where(CommissionRule.vendor_id.in_(vendor_ids), CommissionRule.category_id.is_(None),
                   CommissionRule.active_from <= utcnow())
            .order_by(CommissionRule.vendor_id, CommissionRule.active_from.desc(), CommissionRule.id.desc())
            .ext(distinct_on(CommissionRule.vendor_id)))
        return {r.vendor_id: r for r in rows}

    async def status_history(self, vendor_id: str) -> list[VendorStatusAudit]:
        return list(await self.session.scalars(select(VendorStatusAudit).where(VendorStatusAudit.vendor_id == vendor_id)
                                               .order_by(VendorStatusAudit.at, VendorStatusAudit.id)))

    async def count_of(self, model: type[KycDocument] | type[BankAccount], vendor_id: str) -> int:
        """How many KYC documents or bank accounts the vendor holds (the limits in VendorsSettings)."""
        return int(await self.session.scalar(
            select(func.count()).select_from(model).where(model.vendor_id == vendor_id)) or 0)

    async def kyc_documents(self, vendor_id: str) -> list[KycDocument]:
        return list(await self.session.scalars(select(KycDocument).where(KycDocument.vendor_id == vendor_id)
                                               .order_by(KycDocument.created_at, KycDocument.id)))

    async def kyc_document(self, vendor_id: str, doc_id: str) -> KycDocument | None:
        return await self.session.scalar(select(KycDocument).where(KycDocument.vendor_id == vendor_id,
                                                                   KycDocument.id == doc_id))

    async def bank_accounts(self, vendor_id: str) -> list[BankAccount]:
        return list(await self.session.scalars(select(BankAccount).where(BankAccount.vendor_id == vendor_id)
                                               .order_by(BankAccount.created_at, BankAccount.id)))
