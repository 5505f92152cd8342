"""Catalog routes (API.md § Catalog): categories and brands — public lists, admin create/update."""
from __future__ import annotations

from fastapi import APIRouter, Request, status

from apps.catalog import service
from apps.catalog.schemas import (BrandCreate, BrandList, BrandOut, CategoryCreate, CategoryList, CategoryOut,
                                  CategoryUpdate)
from kernel.auth import AdminDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["catalog"])


def _out(cat) -> CategoryOut:
    return CategoryOut(id=cat.id, name=cat.name, slug=cat.slug, parentId=cat.parent_id, path=cat.path,
                       depth=cat.depth, sort=cat.sort)


@router.get("/categories", response_model=CategoryList)
async def list_categories(uow: UowDep) -> CategoryList:
    async with uow:
        cats = await service.list_categories(uow=uow)
    return CategoryList(items=[_out(c) for c in cats], total=len(cats))


@router.post("/admin/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryOut)
async def create_category(body: CategoryCreate, uow: UowDep, _: AdminDep, request: Request) -> CategoryOut:
    async with uow:
        cat = await service.create_category(uow=uow, settings=request.app.state.settings, name=body.name,
                                            slug=body.slug, parent_id=body.parent_id, sort=body.sort)
        await uow.commit()
    return _out(cat)


@router.patch("/admin/categories/{category_id}", response_model=CategoryOut)
async def update_category(category_id: str, body: CategoryUpdate, uow: UowDep, _: AdminDep,
                          request: Request) -> CategoryOut:
    async with uow:
        cat = await service.update_category(uow=uow, settings=request.app.state.settings, category_id=category_id,
                                            changes=body.model_dump(exclude_unset=True))
        await uow.commit()
    return _out(cat)


@router.get("/brands", response_model=BrandList)
async def list_brands(uow: UowDep) -> BrandList:
    async with uow:
        brands = await service.list_brands(uow=uow)
    return BrandList(items=[BrandOut(id=b.id, name=b.name, slug=b.slug) for b in brands], total=len(brands))


@router.post("/admin/brands", status_code=status.HTTP_201_CREATED, response_model=BrandOut)
async def create_brand(body: BrandCreate, uow: UowDep, _: AdminDep) -> BrandOut:
    async with uow:
        brand = await service.create_brand(uow=uow, name=body.name, slug=body.slug)
        await uow.commit()
    return BrandOut(id=brand.id, name=brand.name, slug=brand.slug)
