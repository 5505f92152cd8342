"""Image upload/removal for a vendor's product, and the media URLs the local storage backend serves."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile, status

from apps.catalog.dependencies import OwnVendorDep, SettingsDep, StorageDep
from apps.catalog.exceptions import ImageNotFound
from apps.catalog.schemas.products import ImageOut
from apps.catalog.use_cases import images
from apps.catalog.views import image_out
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["media"])


@router.post("/vendors/{vendorId}/products/{product_id}/images", status_code=status.HTTP_201_CREATED,
             response_model=ImageOut)
async def upload_image(product_id: str, file: Annotated[UploadFile, File()], vendor_id: OwnVendorDep, uow: UowDep,
                       settings: SettingsDep, storage: StorageDep) -> ImageOut:
    # One byte past the limit is enough to know it is too large, without reading the rest into memory.
    data = await file.read(settings.max_image_bytes + 1)
    return image_out(await images.add_image(uow=uow, storage=storage, settings=settings, vendor_id=vendor_id,
                                            product_id=product_id, data=data))


@router.delete("/vendors/{vendorId}/products/{product_id}/images/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_image(product_id: str, image_id: str, vendor_id: OwnVendorDep, uow: UowDep,
                       storage: StorageDep) -> Response:
    await images.remove_image(uow=uow, storage=storage, vendor_id=vendor_id, product_id=product_id, image_id=image_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/media/{key:path}")
async def media(key: str, storage: StorageDep) -> Response:
    obj = await storage.get(key)
    if obj is None:
        raise ImageNotFound(f"No media {key[:200]!r}.")
    # Keys are never reused (each upload gets a new id), so clients may cache forever.
    return Response(obj.data, media_type=obj.content_type,
                    headers={"Cache-Control": "public, max-age=31536000, immutable",
                             "X-Content-Type-Options": "nosniff"})
