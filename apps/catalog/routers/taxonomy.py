"""Catalog routes (API.md § Catalog): categories and brands — public lists, admin create/update."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from apps.catalog import queries
from apps.catalog.dependencies import IfNoneMatch, ReadCacheDep, SettingsDep
from apps.catalog.read_cache import CACHED_RESPONSES
from apps.catalog.schemas.taxonomy import (BrandCreate, BrandList, BrandOut, CategoryCreate, CategoryList, CategoryOut,
                                  CategoryUpdate)
from apps.catalog.use_cases import taxonomy
from apps.catalog.views import brand_out, category_out
from kernel.auth import AdminDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["catalog"])


@router.get("/categories", response_model=CategoryList, responses=CACHED_RESPONSES)
async def list_categories(request: Request, uow: UowDep, cache: ReadCacheDep, settings: SettingsDep,
                          if_none_match: IfNoneMatch = None) -> Response:
    async def render() -> CategoryList:
        async with uow.reading():
            cats = await queries.list_categories(uow)
        return CategoryList(items=[category_out(c) for c in cats], total=len(cats))

    return await cache.answer(("categories",), render, if_none_match=if_none_match,
                              cache_control=f"public, max-age={settings.list_max_age_seconds}", scope=request.scope)


@router.post("/admin/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryOut)
async def create_category(body: CategoryCreate, uow: UowDep, _: AdminDep, settings: SettingsDep) -> CategoryOut:
    return category_out(await taxonomy.create_category(uow=uow, settings=settings, name=body.name, slug=body.slug,
                                                       parent_id=body.parent_id, sort=body.sort))


@router.patch("/admin/categories/{category_id}", response_model=CategoryOut)
async def update_category(category_id: str, body: CategoryUpdate, uow: UowDep, _: AdminDep,
                          settings: SettingsDep) -> CategoryOut:
    return category_out(await taxonomy.update_category(uow=uow, settings=settings, category_id=category_id,
                                                       changes=body.model_dump(exclude_unset=True)))


@router.get("/brands", response_model=BrandList)
async def list_brands(uow: UowDep) -> BrandList:
    async with uow.reading():
        brands = await queries.list_brands(uow)
    return BrandList(items=[brand_out(b) for b in brands], total=len(brands))


@router.post("/admin/brands", status_code=status.HTTP_201_CREATED, response_model=BrandOut)
async def create_brand(body: BrandCreate, uow: UowDep, _: AdminDep) -> BrandOut:
    return brand_out(await taxonomy.create_brand(uow=uow, name=body.name, slug=body.slug))
