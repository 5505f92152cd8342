"""A vendor changes its product (PATCH /v1/vendors/{vendorId}/products/{id}): fields, categories, brand, options,
variant patches (a price change emits product.price.updated) and the vendor's own status moves (submit, withdraw,
archive). One unit of work, committed (@use_case)."""
from __future__ import annotations

from typing import Any

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Product
from apps.catalog.queries import load_product
from apps.catalog.use_cases.common import brand, categories, change_status, flush, request_index
from apps.catalog.use_cases.variants import apply_variant_patches, check_rules, snapshot, variant_dicts
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def update_product(*, uow: UnitOfWork, settings: CatalogSettings, vendor_id: str, product_id: str,
                         changes: dict[str, Any]) -> Product:
    product = await load_product(uow, product_id, vendor_id=vendor_id, lock=True)
    await _apply_fields(uow, product, changes)
    price_changes = await apply_variant_patches(uow, product, changes.get("variants") or [])
    check_rules(product.options, variant_dicts(product), settings)
    product.min_price_minor, product.max_price_minor = domain.price_bounds(
        [v.price_minor for v in product.variants])
    previous = change_status(product, changes.get("status"), by_admin=False)
    product.updated_at = utcnow()
    await flush(uow)
    for change in price_changes:
        uow.emit("product.price.updated", {**change, "changedAt": product.updated_at}, key=product.id)
    kind = "product.archived" if previous and product.status == "archived" else "product.updated"
    uow.emit(kind, snapshot(product, previous_status=previous), key=product.id)
    if product.status == "active" or previous == "active":
        await request_index(uow, product, reason=kind)
    return product


async def _apply_fields(uow: UnitOfWork, product: Product, changes: dict[str, Any]) -> None:
    for field in ("title", "description", "attributes", "seo_title", "seo_description"):
        if field in changes and (changes[field] is not None or field.startswith("seo_")):
            setattr(product, field, changes[field])
    if changes.get("category_ids") is not None:
        product.categories = await categories(uow, changes["category_ids"])
    if "brand_id" in changes:
        product.brand_id = await brand(uow, changes["brand_id"])
    if changes.get("options") is not None:
        product.options = changes["options"]
