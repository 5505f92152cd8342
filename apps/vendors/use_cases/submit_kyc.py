"""The owner (or an admin) files a KYC document by its URL; at most `max_kyc_documents` per vendor. An uploaded
file goes through upload_kyc.py, which files it here too."""
from __future__ import annotations

from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import TooMany
from apps.vendors.orm import KycDocument
from apps.vendors.queries import managed_vendor
from apps.vendors.repository import VendorRepository
from kernel.auth import CurrentUser
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def submit_kyc(*, uow: UnitOfWork, settings: VendorsSettings, vendor_id: str, user: CurrentUser,
                     doc_type: str, doc_url: str) -> KycDocument:
    vendor = await managed_vendor(uow, vendor_id, user, lock=True)
    vendors = uow.repository(VendorRepository)
    if await vendors.count_of(KycDocument, vendor.id) >= settings.max_kyc_documents:
        raise TooMany(f"A vendor may hold at most {settings.max_kyc_documents} KYC documents.")
    doc = KycDocument(id=new_id_str(), vendor_id=vendor.id, doc_type=doc_type, doc_url=doc_url,
                      status="submitted", submitted_by=user.id, created_at=utcnow())
    await vendors.add(doc)
    uow.emit("vendor.kyc_submitted", {"vendorId": vendor.id, "documentId": doc.id, "docType": doc.doc_type,
                                      "status": doc.status, "submittedAt": doc.created_at}, key=vendor.id)
    return doc
