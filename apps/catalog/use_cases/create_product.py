"""A vendor lists a product (POST /v1/vendors/{vendorId}/products): its options, variants (SKUs unique in the
whole marketplace), categories, brand and image references, checked against the catalog's rules.

One unit of work, committed (@use_case); an import that lists many products in one transaction calls it inside
its own open unit of work and commits once."""
from __future__ import annotations

from datetime import datetime

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.exceptions import InvalidProduct
from apps.catalog.orm import Product, ProductImage, ProductVariant
from apps.catalog.schemas.products import ImageRefIn, ProductCreate
from apps.catalog.repository import ProductRepository
from apps.catalog.use_cases.common import brand, categories, flush, require_active_vendor
from apps.catalog.use_cases.variants import check_rules, ensure_skus_free, snapshot
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case
from kernel.vendor_status import ActiveVendor


@use_case
async def create_product(*, uow: UnitOfWork, settings: CatalogSettings, vendor_id: str, cmd: ProductCreate,
                         product_id: str | None = None, slug: str | None = None, at: datetime | None = None,
                         confirmed: ActiveVendor | None = None) -> Product:
    """`product_id`, `slug` (wanted, suffixed if taken like a title's) and `at` (when it was created) are for
    imports that must keep ids and history; `confirmed` is what vendors said of the vendor during the request."""
    await require_active_vendor(uow, vendor_id, confirmed)
    variants = [v.model_dump() for v in cmd.variants]
    options = [o.model_dump() for o in cmd.options]
    check_rules(options, variants, settings)
    images = _images(cmd.images, settings.max_images_per_product)
    in_categories = await categories(uow, cmd.category_ids)
    brand_id = await brand(uow, cmd.brand_id)
    await ensure_skus_free(uow, [v["sku"] for v in variants])
    product_id, now = product_id or new_id_str(), at or utcnow()
    low, high = domain.price_bounds([v["price_minor"] for v in variants])
    product = Product(
        id=product_id, vendor_id=vendor_id, title=cmd.title, slug=await _free_slug(uow, slug or cmd.title, product_id),
        description=cmd.description, brand_id=brand_id, status=cmd.status, attributes=cmd.attributes,
        options=options, seo_title=cmd.seo_title, seo_description=cmd.seo_description, min_price_minor=low,
        max_price_minor=high, currency=variants[0]["currency"], created_at=now, updated_at=now)
    product.categories = in_categories
    product.variants = [ProductVariant(id=new_id_str(), position=i, **v) for i, v in enumerate(variants)]
    product.images = images
    uow.repository(ProductRepository).stage(product)
    await flush(uow)
    uow.emit("product.created", snapshot(product), key=product_id, occurred_at=at)
    return product


async def _free_slug(uow: UnitOfWork, title: str, product_id: str) -> str:
    slug = domain.product_slug(title)
    # Two vendors listing "T-shirt" at once: the second waits for the first to commit, then takes the suffix
    # instead of losing at the unique index.
    if not await uow.repository(ProductRepository).claim_slug(slug):
        slug = domain.product_slug(title, suffix=product_id.replace("-", "")[-8:])
    return slug


def _images(refs: list[str | ImageRefIn], limit: int) -> list[ProductImage]:
    if len(refs) > limit:
        raise InvalidProduct(f"At most {limit} images per product.",
                             errors=[{"field": "images", "message": "too many"}])
    parsed = [r if isinstance(r, ImageRefIn) else ImageRefIn(url=r, alt=None) for r in refs]
    return [ProductImage(id=new_id_str(), url=r.url, alt=r.alt, position=i) for i, r in enumerate(parsed)]
