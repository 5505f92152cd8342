"""Events produced by the catalog domain (topic products.v1, key = category, brand or product id)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import PRODUCTS

ProductStatus = Literal["draft", "pending", "active", "archived"]


class CategoryChanged(Payload):
    category_id: str = Field(alias="categoryId")
    name: str
    slug: str
    parent_id: str | None = Field(None, alias="parentId")
    path: str
    sort: int = 0


class BrandCreated(Payload):
    brand_id: str = Field(alias="brandId")
    name: str
    slug: str


class VariantSnapshot(Payload):
    # sku + vendorId + productId are what inventory needs to open a stock row; keep them.
    sku: str
    price_minor: int = Field(alias="priceMinor", ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    compare_at_price_minor: int | None = Field(None, alias="compareAtPriceMinor", ge=0)
    weight_grams: int | None = Field(None, alias="weightGrams", ge=0)
    option_values: dict[str, str] = Field(default_factory=dict, alias="optionValues")
    tax_class: str | None = Field(None, alias="taxClass")


class ProductChanged(Payload):
    """The whole product as of the change, so the warehouse and indexers never need to call back."""

    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    title: str
    slug: str
    status: ProductStatus
    previous_status: ProductStatus | None = Field(None, alias="previousStatus")
    category_ids: list[str] = Field(alias="categoryIds")
    brand_id: str | None = Field(None, alias="brandId")
    variants: list[VariantSnapshot]
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime | None = Field(None, alias="updatedAt")
    # Added for the search indexer (optional: older events lack them).
    description: str | None = None
    attributes: dict[str, Any] | None = None


class ProductRejected(ProductChanged):
    reason: str | None = None


class ProductPriceUpdated(Payload):
    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    sku: str
    old_price_minor: int = Field(alias="oldPriceMinor", ge=0)
    new_price_minor: int = Field(alias="newPriceMinor", ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    old_compare_at_price_minor: int | None = Field(None, alias="oldCompareAtPriceMinor")
    new_compare_at_price_minor: int | None = Field(None, alias="newCompareAtPriceMinor")
    changed_at: datetime = Field(alias="changedAt")


class ProductImageChanged(Payload):
    product_id: str = Field(alias="productId")
    vendor_id: str = Field(alias="vendorId")
    image_id: str = Field(alias="imageId")
    url: str
    content_type: str | None = Field(None, alias="contentType")
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = Field(None, alias="sizeBytes")


class ProductIndexRequested(Payload):
    """Ask the search indexer to re-read a product; `public` says whether it belongs in the public index now."""

    product_id: str = Field(alias="productId")
    reason: str
    vendor_id: str | None = Field(None, alias="vendorId")
    public: bool | None = None


CONTRACTS = [
    Contract("category.created", 1, PRODUCTS, CategoryChanged),
    Contract("category.updated", 1, PRODUCTS, CategoryChanged),
    Contract("brand.created", 1, PRODUCTS, BrandCreated),
    Contract("product.created", 1, PRODUCTS, ProductChanged),
    Contract("product.updated", 1, PRODUCTS, ProductChanged),
    Contract("product.approved", 1, PRODUCTS, ProductChanged),
    Contract("product.rejected", 1, PRODUCTS, ProductRejected),
    Contract("product.archived", 1, PRODUCTS, ProductChanged),
    Contract("product.price.updated", 1, PRODUCTS, ProductPriceUpdated),
    Contract("product.image.added", 1, PRODUCTS, ProductImageChanged),
    Contract("product.image.removed", 1, PRODUCTS, ProductImageChanged),
    Contract("product.index.requested", 1, PRODUCTS, ProductIndexRequested),
]
