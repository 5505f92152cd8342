"""Admin use cases on the taxonomy: create and update categories (a tree kept as materialised paths), create brands.

Each use case is one unit of work and commits it (@use_case); imports that create many rows call them inside
their own open unit of work and commit once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.exceptions import CategoryNotFound, InvalidCategoryTree, SlugTaken
from apps.catalog.orm import Brand, Category
from kernel.errors import ValidationFailed
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _event(cat: Category) -> dict:
    return {"categoryId": cat.id, "name": cat.name, "slug": cat.slug, "parentId": cat.parent_id, "path": cat.path,
            "sort": cat.sort}


async def _get(uow: UnitOfWork, category_id: str, *, lock: bool = False) -> Category:
    if not is_uuid(category_id):
        raise CategoryNotFound(f"No category {category_id!r}.")
    stmt = select(Category).where(Category.id == category_id)
    cat = await uow.session.scalar(stmt.with_for_update() if lock else stmt)
    if cat is None:
        raise CategoryNotFound(f"No category {category_id!r}.")
    return cat


async def _parent(uow: UnitOfWork, parent_id: str | None, settings: CatalogSettings) -> Category | None:
    if parent_id is None:
        return None
    try:
        parent = await _get(uow, parent_id)
    except CategoryNotFound:
        raise InvalidCategoryTree(f"Unknown parent category {parent_id!r}.",
                                  errors=[{"field": "parentId", "message": "unknown category"}]) from None
    if parent.depth + 1 >= settings.max_category_depth:
        raise InvalidCategoryTree(f"Categories may nest at most {settings.max_category_depth} levels.")
    return parent


async def _ensure_slug_free(uow: UnitOfWork, slug: str, *, except_id: str | None = None) -> None:
    stmt = select(Category.id).where(Category.slug == slug)
    if except_id:
        stmt = stmt.where(Category.id != except_id)
    if await uow.session.scalar(stmt):
        raise SlugTaken(f"A category with slug {slug!r} exists.")


@use_case
async def create_category(*, uow: UnitOfWork, settings: CatalogSettings, name: str, slug: str | None,
                          parent_id: str | None, sort: int = 0, category_id: str | None = None,
                          at: datetime | None = None) -> Category:
    """`category_id` and `at` (when it was created) are for imports that must keep ids and history."""
    slug = slug or domain.slugify(name)
    if not slug:
        raise InvalidCategoryTree("Cannot derive a slug from this name; send one.",
                                  errors=[{"field": "slug", "message": "required"}])
    parent = await _parent(uow, parent_id, settings)
    await _ensure_slug_free(uow, slug)
    cat = Category(id=category_id or new_id_str(), name=name, slug=slug, parent_id=parent.id if parent else None,
                   path=domain.child_path(parent.path if parent else None, slug),
                   depth=parent.depth + 1 if parent else 0, sort=sort, **({"created_at": at} if at else {}))
    uow.session.add(cat)
    await _flush_unique(uow, f"A category with slug {slug!r} exists.")
    uow.emit("category.created", _event(cat), key=cat.id, occurred_at=at)
    return cat


@use_case
async def update_category(*, uow: UnitOfWork, settings: CatalogSettings, category_id: str,
                          changes: dict) -> Category:
    cat = await _get(uow, category_id, lock=True)
    old_path = cat.path
    if "name" in changes and changes["name"] is not None:
        cat.name = changes["name"]
    if changes.get("sort") is not None:
        cat.sort = changes["sort"]
    if changes.get("slug") is not None and changes["slug"] != cat.slug:
        await _ensure_slug_free(uow, changes["slug"], except_id=cat.id)
        cat.slug = changes["slug"]
    if "parent_id" in changes:
        parent = await _parent(uow, changes["parent_id"], settings)
        if parent is not None and domain.is_within(parent.path, old_path):
            raise InvalidCategoryTree("A category cannot move under itself or its descendants.")
        cat.parent_id, cat.depth = (parent.id, parent.depth + 1) if parent else (None, 0)
        parent_path = parent.path if parent else None
    else:
        parent_path = old_path.rpartition("/")[0] or None
    cat.path = domain.child_path(parent_path, cat.slug)
    if cat.path != old_path:
        await _move_subtree(uow, old_path, cat.path, depth_shift=cat.depth - old_path.count("/"))
    await _flush_unique(uow, f"A category with slug {cat.slug!r} exists.")
    uow.emit("category.updated", _event(cat), key=cat.id)
    return cat


async def _flush_unique(uow: UnitOfWork, message: str) -> None:
    """A concurrent insert of the same slug loses at the unique index: 409 like the pre-check, not 500."""
    try:
        await uow.session.flush()
    except IntegrityError:
        raise SlugTaken(message) from None


async def _move_subtree(uow: UnitOfWork, old_path: str, new_path: str, *, depth_shift: int) -> None:
    await uow.session.execute(
        update(Category).where(Category.path.startswith(old_path + "/", autoescape=True))
        .values(path=func.concat(new_path, func.substr(Category.path, len(old_path) + 1)),
                depth=Category.depth + depth_shift)
        .execution_options(synchronize_session=False))


@use_case
async def create_brand(*, uow: UnitOfWork, name: str, slug: str | None, brand_id: str | None = None,
                       at: datetime | None = None) -> Brand:
    """`brand_id` and `at` (when it was created) are for imports that must keep ids and history."""
    slug = slug or domain.slugify(name)
    if not slug:
        raise ValidationFailed("Cannot derive a slug from this name; send one.",
                               errors=[{"field": "slug", "message": "required"}])
    if await uow.session.scalar(select(Brand.id).where(Brand.slug == slug)):
        raise SlugTaken(f"A brand with slug {slug!r} exists.")
    brand = Brand(id=brand_id or new_id_str(), name=name, slug=slug, **({"created_at": at} if at else {}))
    uow.session.add(brand)
    await _flush_unique(uow, f"A brand with slug {slug!r} exists.")
    uow.emit("brand.created", {"brandId": brand.id, "name": brand.name, "slug": brand.slug}, key=brand.id,
             occurred_at=at)
    return brand
