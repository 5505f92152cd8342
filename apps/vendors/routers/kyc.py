"""KYC documents as uploaded files: POST .../kyc/upload (multipart: docType, file) and the guarded read-back
GET .../kyc/{docId}/file (the document's docUrl). POST .../kyc {docType, docUrl} (routers/vendors.py) still links a
hosted file."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from apps.vendors import kyc_files, queries, views
from apps.vendors.dependencies import KycStorageDep, SettingsDep
from apps.vendors.schemas import DOC_TYPE_PATTERN, KycOut
from apps.vendors.use_cases.upload_kyc import upload_kyc as upload_kyc_use_case
from kernel.auth import CurrentUserDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["vendors"])


@router.post("/vendors/{vendor_id}/kyc/upload", status_code=status.HTTP_201_CREATED, response_model=KycOut)
async def upload_kyc(vendor_id: str, uow: UowDep, user: CurrentUserDep, settings: SettingsDep,
                     storage: KycStorageDep,
                     doc_type: Annotated[str, Form(alias="docType", pattern=DOC_TYPE_PATTERN)],
                     file: Annotated[UploadFile, File()]) -> KycOut:
    data = await file.read(kyc_files.MAX_BYTES + 1)  # one byte past the limit tells "too large"
    doc = await upload_kyc_use_case(uow=uow, settings=settings, storage=storage, vendor_id=vendor_id, user=user,
                                    doc_type=doc_type, data=data)
    return views.kyc_out(doc)


@router.get("/vendors/{vendor_id}/kyc/{doc_id}/file", response_class=Response)
async def kyc_file(vendor_id: str, doc_id: str, uow: UowDep, user: CurrentUserDep,
                   storage: KycStorageDep) -> Response:
    async with uow.reading():
        got = await queries.read_kyc_file(uow=uow, storage=storage, vendor_id=vendor_id, doc_id=doc_id, user=user)
    return Response(got.data, media_type=got.content_type,
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                             "Content-Disposition": "inline"})
