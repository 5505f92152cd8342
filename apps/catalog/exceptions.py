from __future__ import annotations

from kernel.errors import Conflict, DomainError, Forbidden, NotFound, PayloadTooLarge, ValidationFailed


class CategoryNotFound(NotFound):
    title = "Category not found"


class SlugTaken(Conflict):
    title = "Slug already in use"


class InvalidCategoryTree(ValidationFailed):
    title = "Invalid category tree"


class ProductNotFound(NotFound):
    title = "Product not found"


class ImageNotFound(NotFound):
    title = "Image not found"


class SkuTaken(Conflict):
    title = "SKU already in use"


class InvalidProduct(ValidationFailed):
    title = "Invalid product"


class InvalidStatusChange(Conflict):
    title = "Status change not allowed"


class VendorNotActive(Forbidden):
    title = "Vendor not active"


class TooManyImages(Conflict):
    title = "Too many images"


class ImageTooLarge(PayloadTooLarge):
    title = "Image too large"


class UnsupportedImage(DomainError):
    status, title, type_slug = 415, "Unsupported image", "unsupported-media-type"
