"""Reads: the category tree and brands, one product loader for the use cases, the vendor's and admin's product
lists, and the public catalog. Nothing here writes."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from apps.catalog import domain
from apps.catalog.exceptions import ProductNotFound
from apps.catalog.orm import Brand, Category, Product, ProductVariant, VendorProjection, product_categories
from apps.catalog.repository import FULL, ProductRepository
from kernel.ids import is_uuid
from kernel.paging import Found, Paging, fetch_page
from kernel.uow import UnitOfWork

SORTS = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.min_price_minor.asc(), Product.id.asc()),
    "price_desc": (Product.min_price_minor.desc(), Product.id.asc()),
    "title": (Product.title.asc(), Product.id.asc()),
}


@dataclass(frozen=True)
class PublicFilters:
    category: str | None = None
    brand: str | None = None
    vendor: str | None = None
    prices: domain.PriceRange = domain.PriceRange()
    currency: str | None = None
    sort: str = "newest"
    ids: tuple[str, ...] = ()  # only these products (still only public ones)


Page = Found[Product]  # one page of products, as a query found them


def _full(stmt: Select) -> Select:
    return stmt.options(*FULL)


async def load_product(uow: UnitOfWork, product_id: str, *, vendor_id: str | None = None,
                       lock: bool = False) -> Product:
    """The product with its variants, categories and images; another vendor's product is simply not found."""
    if not is_uuid(product_id) or (vendor_id is not None and not is_uuid(vendor_id)):
        raise ProductNotFound(f"No product {product_id!r}.")
    product = await uow.repository(ProductRepository).product(product_id, vendor_id=vendor_id, lock=lock)
    if product is None:
        raise ProductNotFound(f"No product {product_id!r}.")
    return product


async def list_categories(uow: UnitOfWork) -> list[Category]:
    return list((await uow.session.scalars(select(Category).order_by(Category.path, Category.sort))).all())


async def list_brands(uow: UnitOfWork) -> list[Brand]:
    return list((await uow.session.scalars(select(Brand).order_by(Brand.name, Brand.id))).all())


async def _paginate(uow: UnitOfWork, stmt: Select, *, order, page: int, per_page: int) -> Page:
    return await fetch_page(uow.session, stmt, Paging(page, per_page), order_by=order, options=FULL)


async def list_products(uow: UnitOfWork, *, vendor_id: str | None, status: str | None, page: int,
                        per_page: int) -> Page:
    """A vendor's own products or the admin review queue (any status unless one is asked for)."""
    if vendor_id is not None and not is_uuid(vendor_id):
        return Page([], 0, page, per_page)
    stmt = select(Product)
    if vendor_id is not None:
        stmt = stmt.where(Product.vendor_id == vendor_id)
    if status is not None:
        stmt = stmt.where(Product.status == status)
    # The review queue is first come, first served; vendors see their newest first.
    order = SORTS["newest"] if vendor_id else (Product.updated_at.asc(), Product.id.asc())
    return await _paginate(uow, stmt, order=order, page=page, per_page=per_page)


def _public() -> Select:
    return (select(Product).join(VendorProjection, VendorProjection.vendor_id == Product.vendor_id)
            .where(Product.status == "active", VendorProjection.status == "active"))


async def _category_path(uow: UnitOfWork, ref: str) -> str | None:
    cond = Category.id == ref if is_uuid(ref) else Category.slug == ref
    return await uow.session.scalar(select(Category.path).where(cond))


async def _brand_id(uow: UnitOfWork, ref: str) -> str | None:
    cond = Brand.id == ref if is_uuid(ref) else Brand.slug == ref
    return await uow.session.scalar(select(Brand.id).where(cond))


async def _filtered(uow: UnitOfWork, f: PublicFilters) -> Select | None:
    """The public query narrowed by the filters; None when a filter names nothing (so nothing matches)."""
    stmt = _public()
    if f.ids:
        stmt = stmt.where(Product.id.in_(f.ids))
    if f.category:
        path = await _category_path(uow, f.category)
        if path is None:
            return None
        in_subtree = or_(Category.path == path, Category.path.startswith(path + "/", autoescape=True))
        stmt = stmt.where(Product.id.in_(
            select(product_categories.c.product_id)
            .join(Category, Category.id == product_categories.c.category_id).where(in_subtree)))
    if f.brand:
        if (brand_id := await _brand_id(uow, f.brand)) is None:
            return None
        stmt = stmt.where(Product.brand_id == brand_id)
    if f.vendor:
        stmt = stmt.where(Product.vendor_id == f.vendor if is_uuid(f.vendor) else VendorProjection.slug == f.vendor)
    if f.currency:
        stmt = stmt.where(Product.currency == f.currency)
    return stmt.where(*_price_conditions(f.prices))


def _price_conditions(prices: domain.PriceRange) -> list:
    """SQL for PriceRange.matches: some variant of the product lies within the range."""
    bounds = []
    if prices.min_minor is not None:
        bounds.append(ProductVariant.price_minor >= prices.min_minor)
    if prices.max_minor is not None:
        bounds.append(ProductVariant.price_minor <= prices.max_minor)
    if not bounds:
        return []
    return [Product.id.in_(select(ProductVariant.product_id).where(*bounds))]


async def list_public(uow: UnitOfWork, filters: PublicFilters, *, page: int, per_page: int) -> Page:
    stmt = await _filtered(uow, filters)
    if stmt is None:
        return Page([], 0, page, per_page)
    return await _paginate(uow, stmt, order=SORTS[filters.sort], page=page, per_page=per_page)


async def get_public(uow: UnitOfWork, slug: str) -> Product:
    product = await uow.session.scalar(_full(_public().where(Product.slug == slug)))
    if product is None:
        raise ProductNotFound(f"No product {slug!r}.")
    return product
