"""Service-to-service lookups on the catalog (/internal/v1, never routed by the gateway; X-Internal-Token).

Inventory asks who owns a SKU when a vendor sets stock for a SKU whose product.created event has not reached it
yet (read-your-writes for the vendor's own product: docs/consistency.md).
"""
from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import select

from apps.catalog.orm import Product, ProductVariant
from kernel.api_model import CamelModel
from kernel.errors import NotFound
from kernel.internal import require_internal_token
from kernel.service_app import UowDep

router = APIRouter(prefix="/internal/v1", tags=["catalog-internal"], dependencies=[Depends(require_internal_token)])


class SkuOwner(CamelModel):
    sku: str
    product_id: str
    vendor_id: str
    skus: list[str]  # every SKU of the product, so inventory opens their rows at once as product.created would


@router.get("/skus/{sku}", response_model=SkuOwner)
async def sku_owner(sku: str, uow: UowDep) -> SkuOwner:
    async with uow.reading():
        row = (await uow.session.execute(
            select(ProductVariant.product_id, Product.vendor_id).join(Product, Product.id == ProductVariant.product_id)
            .where(ProductVariant.sku == sku[:64]))).first()
        if row is None or len(sku) > 64:
            raise NotFound(f"No SKU {sku[:64]!r}.")
        skus = (await uow.session.scalars(
            select(ProductVariant.sku).where(ProductVariant.product_id == row.product_id))).all()
    return SkuOwner(sku=sku, productId=row.product_id, vendorId=row.vendor_id, skus=list(skus))
