"""What the product use cases share: the vendor must be active, category and brand references must exist, a lost
race on a unique index is the same 409 as the pre-check, status moves follow domain.can_transition, and a change
to a live product asks the search indexer to refresh it."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from apps.catalog import domain
from apps.catalog.exceptions import InvalidProduct, InvalidStatusChange, SkuTaken, SlugTaken, VendorNotActive
from apps.catalog.orm import Category, Product
from apps.catalog.projections.vendors import upsert_vendor, vendor_status
from apps.catalog.repository import ProductRepository
from kernel.clock import utcnow
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from kernel.vendor_status import ActiveVendor


async def require_active_vendor(uow: UnitOfWork, vendor_id: str, confirmed: ActiveVendor | None = None) -> None:
    """Active in the catalog's projection, or confirmed active by vendors during this request (`confirmed`): the
    approval event may still be on its way while the vendor's token already carries vendorId, so the projection is
    brought up to date from the source instead of refusing the vendor's first product (read-your-writes)."""
    if await vendor_status(uow, vendor_id) == "active":
        return
    if confirmed is not None and confirmed.vendor_id == vendor_id:
        change = await upsert_vendor(uow, vendor_id=vendor_id, name=confirmed.name, slug=confirmed.slug,
                                     status="active", occurred_at=confirmed.updated_at or utcnow())
        if change is not None:
            return
    raise VendorNotActive("Only an approved, active vendor can submit products.")


async def categories(uow: UnitOfWork, ids: list[str]) -> list[Category]:
    wanted = list(dict.fromkeys(ids))
    found = [] if not all(is_uuid(i) for i in wanted) else \
        await uow.repository(ProductRepository).categories(wanted)
    missing = sorted(set(wanted) - {c.id for c in found})
    if missing:
        raise InvalidProduct(f"Unknown categories: {', '.join(missing)[:300]}.",
                             errors=[{"field": "categoryIds", "message": "unknown category"}])
    return found


async def brand(uow: UnitOfWork, brand_id: str | None) -> str | None:
    if brand_id is None:
        return None
    if not is_uuid(brand_id) or not await uow.repository(ProductRepository).brand_exists(brand_id):
        raise InvalidProduct(f"Unknown brand {brand_id!r}.", errors=[{"field": "brandId", "message": "unknown brand"}])
    return brand_id


async def flush(uow: UnitOfWork) -> None:
    """Flush, turning a lost race on a unique index into the same 409 the pre-checks give."""
    try:
        await uow.repository(ProductRepository).flush()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
        if constraint == "uq_product_variants_sku":
            raise SkuTaken("A SKU of this product was taken concurrently.") from None
        if constraint == "uq_products_slug":
            raise SlugTaken("This product's slug was taken concurrently; retry.") from None
        raise


def change_status(product: Product, target: str | None, *, by_admin: bool) -> str | None:
    """Move to `target` if the rules allow; returns the previous status (None: nothing to do)."""
    if target is None or target == product.status:
        return None
    if not domain.can_transition(product.status, target, by_admin=by_admin):
        raise InvalidStatusChange(f"A product cannot go from {product.status!r} to {target!r} this way.")
    previous, product.status = product.status, target
    if target == "pending":
        product.rejection_reason = None
    return previous


async def request_index(uow: UnitOfWork, product: Product, *, reason: str) -> None:
    """Ask the search indexer to add or drop the product: public while approved and its vendor is active."""
    public = domain.is_public(product.status, await vendor_status(uow, product.vendor_id))
    uow.emit("product.index.requested", {"productId": product.id, "reason": reason, "vendorId": product.vendor_id,
                                         "public": public}, key=product.id)
