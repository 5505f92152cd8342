"""KYC documents uploaded as files (a scan or PDF), not only linked by URL. The file is private: it is kept
outside the public media folder and read back only through the vendor-guarded route (owner or admin), which is
also the document's docUrl.

What the bytes are is decided by their signature, not by the name or the declared type."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from sqlalchemy import select

from apps.vendors import accounts
from apps.vendors.config import VendorsSettings
from apps.vendors.orm import KycDocument
from apps.vendors.service import managed_vendor
from kernel.auth import CurrentUser
from kernel.errors import DomainError, NotFound, ValidationFailed
from kernel.ids import is_uuid
from kernel.storage import LocalDirStorage, ObjectStorage, StorageSettings, build_storage
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

MAX_BYTES = 10 * 1024 * 1024
# signature → content type; WebP is RIFF....WEBP
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class DocumentTooLarge(DomainError):
    status = 413
    title = "Document too large"
    type_slug = "document-too-large"


class UnsupportedDocument(ValidationFailed):
    title = "Unsupported document"


class KycFileNotFound(NotFound):
    title = "KYC document not found"


@dataclass(frozen=True)
class KycFile:
    data: bytes
    content_type: str


def sniff(data: bytes) -> str | None:
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def key_for(vendor_id: str, doc_id: str) -> str:
    return f"kyc/{vendor_id}/{doc_id}"


def file_url(settings: VendorsSettings, vendor_id: str, doc_id: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/v1/vendors/{vendor_id}/kyc/{doc_id}/file"


def open_storage(settings: VendorsSettings) -> ObjectStorage:
    shared = StorageSettings()
    if shared.storage_backend == "s3":
        return build_storage(shared, default_dir=settings.stack_dir / "kyc", default_public_url="")
    # Locally a folder of its own: never under MEDIA_DIR, which the catalog serves to anyone.
    return LocalDirStorage(settings.stack_dir / "kyc-private", public_url="")


@use_case
async def upload(*, uow: UnitOfWork, settings: VendorsSettings, storage: ObjectStorage, vendor_id: str,
                 user: CurrentUser, doc_type: str, data: bytes) -> KycDocument:
    if len(data) > MAX_BYTES:
        raise DocumentTooLarge(f"KYC documents are limited to {MAX_BYTES // (1024 * 1024)} MB.")
    content_type = sniff(data)
    if content_type is None:
        raise UnsupportedDocument("Send a PDF, JPEG, PNG or WebP file.",
                                  errors=[{"field": "file", "message": "not a PDF or image"}])
    doc = await accounts.submit_kyc(uow=uow, settings=settings, vendor_id=vendor_id, user=user, doc_type=doc_type,
                                    doc_url="pending-upload")
    doc.doc_url = file_url(settings, vendor_id, doc.id)
    await uow.session.flush()
    # Before the commit: if storing fails the row rolls back, so no document points at a missing file.
    await storage.put(key_for(vendor_id, doc.id), data, content_type)
    return doc


async def read(*, uow: UnitOfWork, storage: ObjectStorage, vendor_id: str, doc_id: str,
               user: CurrentUser) -> KycFile:
    vendor = await managed_vendor(uow, vendor_id, user)
    doc = await uow.session.scalar(select(KycDocument).where(KycDocument.vendor_id == vendor.id,
                                                             KycDocument.id == doc_id)) if is_uuid(doc_id) else None
    obj = await storage.get(key_for(vendor.id, doc.id)) if doc is not None else None
    if obj is None:
        raise KycFileNotFound(f"No uploaded file for document {doc_id[:64]!r}.")
    return KycFile(obj.data, sniff(obj.data) or "application/octet-stream")


async def start(app: FastAPI) -> None:
    app.state.kyc_storage = open_storage(app.state.settings)


async def stop(app: FastAPI) -> None:
    await app.state.kyc_storage.close()
