"""A vendor adds or removes a product image. Uploads are checked by content (not by name or declared type) and
stored through kernel.storage; each use case is one unit of work, committed, and keeps storage and rows in step:
no row without its object, and an object is deleted only once its row's removal committed."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from apps.catalog.config import CatalogSettings
from apps.catalog.exceptions import ImageNotFound, ImageTooLarge, TooManyImages, UnsupportedImage
from apps.catalog.orm import ProductImage
from apps.catalog.queries import load_product
from kernel.ids import is_uuid, new_id_str
from kernel.storage import ObjectStorage
from kernel.uow import UnitOfWork

# Pillow format name → (content type, file extension)
ALLOWED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    extension: str
    width: int
    height: int


def inspect_image(data: bytes, *, max_pixels: int) -> ImageInfo:
    """What the bytes really are, if Pillow can parse them as a JPEG, PNG or WebP of sane dimensions."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                fmt, (width, height) = img.format, img.size
                img.verify()  # structural check (chunk CRCs, truncation) without decoding every pixel
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError) as exc:
        raise UnsupportedImage(f"Not a readable image: {type(exc).__name__}.") from None
    if fmt not in ALLOWED_FORMATS:
        raise UnsupportedImage(f"{fmt} images are not accepted; send JPEG, PNG or WebP.")
    if width * height > max_pixels:
        raise UnsupportedImage(f"{width}×{height} exceeds {max_pixels} pixels.")
    content_type, extension = ALLOWED_FORMATS[fmt]
    return ImageInfo(content_type, extension, width, height)


async def add_image(*, uow: UnitOfWork, storage: ObjectStorage, settings: CatalogSettings, vendor_id: str,
                    product_id: str, data: bytes) -> ProductImage:
    if len(data) > settings.max_image_bytes:
        raise ImageTooLarge(f"Images are limited to {settings.max_image_bytes} bytes.")
    if not data:
        raise UnsupportedImage("The file is empty.")
    info = inspect_image(data, max_pixels=settings.max_image_pixels)
    async with uow:
        # The row lock serialises concurrent uploads to one product, so the count below cannot be overtaken.
        product = await load_product(uow, product_id, vendor_id=vendor_id, lock=True)
        if len(product.images) >= settings.max_images_per_product:
            raise TooManyImages(f"A product has at most {settings.max_images_per_product} images.")
        image_id = new_id_str()
        key = f"products/{product.id}/{image_id}.{info.extension}"
        url = await storage.put(key, data, info.content_type)
        image = ProductImage(id=image_id, product_id=product.id, storage_key=key, url=url,
                             content_type=info.content_type, width=info.width, height=info.height,
                             size_bytes=len(data), position=max((i.position for i in product.images), default=-1) + 1)
        product.images.append(image)
        try:
            await uow.session.flush()
            uow.emit("product.image.added", _event(product.vendor_id, image), key=product.id)
            await uow.commit()
        except Exception:
            await storage.delete(key)  # no row, no object
            raise
    return image


async def remove_image(*, uow: UnitOfWork, storage: ObjectStorage, vendor_id: str, product_id: str,
                       image_id: str) -> None:
    async with uow:
        product = await load_product(uow, product_id, vendor_id=vendor_id, lock=True)
        image = next((i for i in product.images if is_uuid(image_id) and i.id == image_id), None)
        if image is None:
            raise ImageNotFound(f"No image {image_id!r} on this product.")
        product.images.remove(image)
        await uow.session.flush()
        uow.emit("product.image.removed", _event(product.vendor_id, image), key=product.id)
        await uow.commit()
    if image.storage_key:
        await storage.delete(image.storage_key)  # after the commit: a rolled-back removal must not lose the file


def _event(vendor_id: str, image: ProductImage) -> dict:
    return {"productId": image.product_id, "vendorId": vendor_id, "imageId": image.id, "url": image.url,
            "contentType": image.content_type, "width": image.width, "height": image.height,
            "sizeBytes": image.size_bytes}
