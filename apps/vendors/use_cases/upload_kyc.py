"""A KYC document uploaded as a file (PDF, JPEG, PNG or WebP by its signature, at most kyc_files.MAX_BYTES): filed
as submit_kyc does, its docUrl the guarded read-back route, and stored before the commit."""
from __future__ import annotations

from apps.vendors.config import VendorsSettings
from apps.vendors.exceptions import DocumentTooLarge, UnsupportedDocument
from apps.vendors.kyc_files import MAX_BYTES, file_url, key_for, sniff
from apps.vendors.orm import KycDocument
from apps.vendors.repository import VendorRepository
from apps.vendors.use_cases.submit_kyc import submit_kyc
from kernel.auth import CurrentUser
from kernel.storage import ObjectStorage
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def upload_kyc(*, uow: UnitOfWork, settings: VendorsSettings, storage: ObjectStorage, vendor_id: str,
                     user: CurrentUser, doc_type: str, data: bytes) -> KycDocument:
    if len(data) > MAX_BYTES:
        raise DocumentTooLarge(f"KYC documents are limited to {MAX_BYTES // (1024 * 1024)} MB.")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedDocument("Send a PDF, JPEG, PNG or WebP file.",
                                  errors=[{"field": "file", "message": "not a PDF or image"}])
    doc = await submit_kyc(uow=uow, settings=settings, vendor_id=vendor_id, user=user, doc_type=doc_type,
                           doc_url="pending-upload")
    doc.doc_url = file_url(settings, vendor_id, doc.id)
    await uow.repository(VendorRepository).flush()
    # Before the commit: if storing fails the row rolls back, so no document points at a missing file.
    await storage.put(key_for(vendor_id, doc.id), data, content_type)
    return doc
