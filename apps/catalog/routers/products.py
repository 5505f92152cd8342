"""Product routes (API.md § Catalog): vendor create/update/list, admin review, public list and detail."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from apps.catalog import queries
from apps.catalog.dependencies import (ConfirmedVendorDep, IfNoneMatch, OwnVendorDep, PagingDep, PublicFiltersDep,
                                      ReadCacheDep, SettingsDep, StatusFilter)
from apps.catalog.read_cache import CACHED_RESPONSES
from apps.catalog.schemas.products import ProductCreate, ProductOut, ProductPage, ProductUpdate, RejectIn
from apps.catalog.use_cases.create_product import create_product as create
from apps.catalog.use_cases.review_product import approve_product as approve, reject_product as reject
from apps.catalog.use_cases.update_product import update_product as update
from apps.catalog.views import page_out, product_out
from kernel.auth import AdminDep, StaffDep
from kernel.paging import Paging
from kernel.service_app import UowDep
from kernel.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["products"])


@router.post("/vendors/{vendorId}/products", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
async def create_product(body: ProductCreate, vendor_id: OwnVendorDep, uow: UowDep, settings: SettingsDep,
                         confirmed: ConfirmedVendorDep) -> ProductOut:
    return product_out(await create(uow=uow, settings=settings, vendor_id=vendor_id, cmd=body, confirmed=confirmed))


@router.get("/vendors/{vendorId}/products", response_model=ProductPage)
async def list_vendor_products(vendor_id: OwnVendorDep, uow: UowDep, paging: PagingDep,
                               status: StatusFilter = None) -> ProductPage:
    return await _listing(uow, paging, vendor_id=vendor_id, status=status)


@router.get("/vendors/{vendorId}/products/{product_id}", response_model=ProductOut)
async def get_vendor_product(product_id: str, vendor_id: OwnVendorDep, uow: UowDep) -> ProductOut:
    async with uow.reading():
        product = await queries.load_product(uow, product_id, vendor_id=vendor_id)
    return product_out(product)


@router.patch("/vendors/{vendorId}/products/{product_id}", response_model=ProductOut)
async def update_product(product_id: str, body: ProductUpdate, vendor_id: OwnVendorDep, uow: UowDep,
                         settings: SettingsDep) -> ProductOut:
    return product_out(await update(uow=uow, settings=settings, vendor_id=vendor_id, product_id=product_id,
                                    changes=body.model_dump(exclude_unset=True)))


@router.get("/admin/products", response_model=ProductPage)
async def list_admin_products(_: StaffDep, uow: UowDep, paging: PagingDep, status: StatusFilter = None) -> ProductPage:
    # The review queue: every vendor's products, first come first served.
    return await _listing(uow, paging, vendor_id=None, status=status)


@router.patch("/admin/products/{product_id}/approve", response_model=ProductOut)
async def approve_product(product_id: str, _: AdminDep, uow: UowDep) -> ProductOut:
    return product_out(await approve(uow=uow, product_id=product_id))


@router.patch("/admin/products/{product_id}/reject", response_model=ProductOut)
async def reject_product(product_id: str, _: AdminDep, uow: UowDep, body: RejectIn | None = None) -> ProductOut:
    return product_out(await reject(uow=uow, product_id=product_id, reason=body.reason if body else None))


@router.get("/products", response_model=ProductPage, responses=CACHED_RESPONSES)
async def list_products(request: Request, filters: PublicFiltersDep, paging: PagingDep, uow: UowDep,
                        cache: ReadCacheDep, settings: SettingsDep, if_none_match: IfNoneMatch = None) -> Response:
    async def render() -> ProductPage:
        async with uow.reading():
            page = await queries.list_public(uow, filters, page=paging.page, per_page=paging.per_page)
        return page_out(page)

    # Keyed by the parsed query (frozen, hashable): spellings of the same filters share one entry.
    return await cache.answer(("list", filters, paging.page, paging.per_page), render, if_none_match=if_none_match,
                              cache_control=f"public, max-age={settings.list_max_age_seconds}", scope=request.scope)


@router.get("/products/{slug}", response_model=ProductOut, responses=CACHED_RESPONSES)
async def get_product(request: Request, slug: str, uow: UowDep, cache: ReadCacheDep, settings: SettingsDep,
                      if_none_match: IfNoneMatch = None) -> Response:
    async def render() -> ProductOut:
        async with uow.reading():
            product = await queries.get_public(uow, slug[:220])
        return product_out(product)

    return await cache.answer(("product", slug[:220]), render, if_none_match=if_none_match,
                              cache_control=f"public, max-age={settings.product_max_age_seconds}", scope=request.scope)


async def _listing(uow: UnitOfWork, paging: Paging, *, vendor_id: str | None, status: str | None) -> ProductPage:
    async with uow.reading():
        page = await queries.list_products(uow, vendor_id=vendor_id, status=status, page=paging.page,
                                           per_page=paging.per_page)
    return page_out(page)
