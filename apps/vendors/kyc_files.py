"""Where uploaded KYC documents (a scan or PDF) are kept and how their bytes are recognised. The file is private:
it is kept outside the public media folder and read back only through the vendor-guarded route (owner or admin),
which is also the document's docUrl. The upload is use_cases/upload_kyc.py, the read-back queries.read_kyc_file.

What the bytes are is decided by their signature, not by the name or the declared type."""
from __future__ import annotations

from dataclasses import dataclass

from apps.vendors.config import VendorsSettings
from kernel.storage import LocalDirStorage, ObjectStorage, StorageSettings, build_storage

MAX_BYTES = 10 * 1024 * 1024
# signature → content type; WebP is RIFF....WEBP
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


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
