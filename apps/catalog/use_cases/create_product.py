"""Product use cases: vendor create/update, admin approve/reject. Never commits; the caller's unit of work does."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.exceptions import InvalidProduct, InvalidStatusChange, SkuTaken, SlugTaken, VendorNotActive
from apps.catalog.orm import Brand, Category, Product, ProductImage, ProductVariant
from apps.catalog.product_queries import load_product
from apps.catalog.product_schemas import ImageRefIn, ProductCreate
from apps.catalog.variants import apply_variant_patches, check_rules, ensure_skus_free, snapshot, variant_dicts
from apps.catalog.vendor_projection import vendor_status
from kernel.clock import utcnow
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork


async def _require_active_vendor(uow: UnitOfWork, vendor_id: str) -> None:
    if await vendor_status(uow, vendor_id) != "active":
        raise VendorNotActive("Only an approved, active vendor can submit products.")


async def _categories(uow: UnitOfWork, ids: list[str]) -> list[Category]:
    wanted = list(dict.fromkeys(ids))
    found = [] if not all(is_uuid(i) for i in wanted) else \
        list((await uow.session.scalars(select(Category).where(Category.id.in_(wanted)))).all())
    missing = sorted(set(wanted) - {c.id for c in found})
    if missing:
        raise InvalidProduct(f"Unknown categories: {', '.join(missing)[:300]}.",
                             errors=[{"field": "categoryIds", "message": "unknown category"}])
    return found


async def _brand(uow: UnitOfWork, brand_id: str | None) -> str | None:
    if brand_id is None:
        return None
    if not is_uuid(brand_id) or await uow.session.get(Brand, brand_id) is None:
        raise InvalidProduct(f"Unknown brand {brand_id!r}.", errors=[{"field": "brandId", "message": "unknown brand"}])
    return brand_id


async def _free_slug(uow: UnitOfWork, title: str, product_id: str) -> str:
    slug = domain.product_slug(title)
    # Two vendors listing "T-shirt" at once: the second waits for the first to commit, then takes the suffix
    # instead of losing at the unique index. The lock ends with the transaction.
    await uow.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"product-slug:{slug}"))))
    if await uow.session.scalar(select(exists().where(Product.slug == slug))):
        slug = domain.product_slug(title, suffix=product_id.replace("-", "")[-8:])
    return slug


async def flush(uow: UnitOfWork) -> None:
    """Flush, turning a lost race on a unique index into the same 409 the pre-checks give."""
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        if constraint == "uq_product_variants_sku":
            raise SkuTaken("A SKU of this product was taken concurrently.") from None
        if constraint == "uq_products_slug":
            raise SlugTaken("This product's slug was taken concurrently; retry.") from None
        raise


def _images(refs: list[str | ImageRefIn], limit: int) -> list[ProductImage]:
    if len(refs) > limit:
        raise InvalidProduct(f"At most {limit} images per product.",
                             errors=[{"field": "images", "message": "too many"}])
    parsed = [r if isinstance(r, ImageRefIn) else ImageRefIn(url=r, alt=None) for r in refs]
    return [ProductImage(id=new_id_str(), url=r.url, alt=r.alt, position=i) for i, r in enumerate(parsed)]


async def create_product(*, uow: UnitOfWork, settings: CatalogSettings, vendor_id: str, cmd: ProductCreate,
                         product_id: str | None = None, slug: str | None = None,
                         at: datetime | None = None) -> Product:
    """`product_id`, `slug` (wanted, suffixed if taken like a title's) and `at` (when it was created) are for
    imports that must keep ids and history."""
    await _require_active_vendor(uow, vendor_id)
    variants = [v.model_dump() for v in cmd.variants]
    options = [o.model_dump() for o in cmd.options]
    check_rules(options, variants, settings)
    images = _images(cmd.images, settings.max_images_per_product)
    categories = await _categories(uow, cmd.category_ids)
    brand_id = await _brand(uow, cmd.brand_id)
    await ensure_skus_free(uow, [v["sku"] for v in variants])
    product_id, now = product_id or new_id_str(), at or utcnow()
    low, high = domain.price_bounds([v["price_minor"] for v in variants])
    product = Product(
        id=product_id, vendor_id=vendor_id, title=cmd.title, slug=await _free_slug(uow, slug or cmd.title, product_id),
        description=cmd.description, brand_id=brand_id, status=cmd.status, attributes=cmd.attributes,
        options=options, seo_title=cmd.seo_title, seo_description=cmd.seo_description, min_price_minor=low,
        max_price_minor=high, currency=variants[0]["currency"], created_at=now, updated_at=now)
    product.categories = categories
    product.variants = [ProductVariant(id=new_id_str(), position=i, **v) for i, v in enumerate(variants)]
    product.images = images
    uow.session.add(product)
    await flush(uow)
    uow.emit("product.created", snapshot(product), key=product_id, occurred_at=at)
    return product


async def _apply_fields(uow: UnitOfWork, product: Product, changes: dict[str, Any]) -> None:
    for field in ("title", "description", "attributes", "seo_title", "seo_description"):
        if field in changes and (changes[field] is not None or field.startswith("seo_")):
            setattr(product, field, changes[field])
    if changes.get("category_ids") is not None:
        product.categories = await _categories(uow, changes["category_ids"])
    if "brand_id" in changes:
        product.brand_id = await _brand(uow, changes["brand_id"])
    if changes.get("options") is not None:
        product.options = changes["options"]


def _change_status(product: Product, target: str | None, *, by_admin: bool) -> str | None:
    """Move to `target` if the rules allow; returns the previous status (None: nothing to do)."""
    if target is None or target == product.status:
        return None
    if not domain.can_transition(product.status, target, by_admin=by_admin):
        raise InvalidStatusChange(f"A product cannot go from {product.status!r} to {target!r} this way.")
    previous, product.status = product.status, target
    if target == "pending":
        product.rejection_reason = None
    return previous


async def update_product(*, uow: UnitOfWork, settings: CatalogSettings, vendor_id: str, product_id: str,
                         changes: dict[str, Any]) -> Product:
    product = await load_product(uow, product_id, vendor_id=vendor_id, lock=True)
    await _apply_fields(uow, product, changes)
    price_changes = await apply_variant_patches(uow, product, changes.get("variants") or [])
    check_rules(product.options, variant_dicts(product), settings)
    product.min_price_minor, product.max_price_minor = domain.price_bounds([v.price_minor for v in product.variants])
    previous = _change_status(product, changes.get("status"), by_admin=False)
    product.updated_at = utcnow()
    await flush(uow)
    for change in price_changes:
        uow.emit("product.price.updated", {**change, "changedAt": product.updated_at}, key=product.id)
    kind = "product.archived" if previous and product.status == "archived" else "product.updated"
    uow.emit(kind, snapshot(product, previous_status=previous), key=product.id)
    if product.status == "active" or previous == "active":
        public = domain.is_public(product.status, await vendor_status(uow, product.vendor_id))
        uow.emit("product.index.requested", {"productId": product.id, "reason": kind, "vendorId": product.vendor_id,
                                             "public": public}, key=product.id)
    return product


async def approve_product(*, uow: UnitOfWork, product_id: str, at: datetime | None = None) -> Product:
    """`at` (when it was approved) is for imports of history; default now."""
    product = await load_product(uow, product_id, lock=True)
    if product.status != "pending":
        raise InvalidStatusChange(f"Only a pending product can be approved; this one is {product.status!r}.")
    previous = _change_status(product, "active", by_admin=True)
    product.approved_at = product.updated_at = at or utcnow()
    product.rejection_reason = None
    await flush(uow)
    uow.emit("product.approved", snapshot(product, previous_status=previous), key=product.id, occurred_at=at)
    public = domain.is_public(product.status, await vendor_status(uow, product.vendor_id))
    uow.emit("product.index.requested", {"productId": product.id, "reason": "product.approved",
                                         "vendorId": product.vendor_id, "public": public}, key=product.id)
    return product


async def reject_product(*, uow: UnitOfWork, product_id: str, reason: str | None) -> Product:
    """Send a pending product back to the vendor as a draft, with the reviewer's reason."""
    product = await load_product(uow, product_id, lock=True)
    if product.status != "pending":
        raise InvalidStatusChange(f"Only a pending product can be rejected; this one is {product.status!r}.")
    previous = _change_status(product, "draft", by_admin=True)
    product.rejection_reason, product.updated_at = reason, utcnow()
    await flush(uow)
    uow.emit("product.rejected", {**snapshot(product, previous_status=previous), "reason": reason}, key=product.id)
    return product
