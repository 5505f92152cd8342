"""Product routes (API.md § Catalog): vendor create/update/list, admin review, public list and detail."""
from __future__ import annotations

from fastapi import APIRouter, status

from apps.catalog import product_queries, products_service
from apps.catalog.dependencies import OwnVendorDep, PagingDep, PublicFiltersDep, SettingsDep, StatusFilter
from apps.catalog.orm import Product
from apps.catalog.product_schemas import (ImageOut, ProductCreate, ProductOut, ProductPage, ProductSummary,
                                          ProductUpdate, RejectIn, VariantOut)
from kernel.auth import AdminDep, StaffDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["products"])


def summary_out(p: Product) -> ProductSummary:
    return ProductSummary(id=p.id, slug=p.slug, title=p.title, status=p.status, vendorId=p.vendor_id,
                          brandId=p.brand_id, categoryIds=[c.id for c in p.categories], priceMinor=p.min_price_minor,
                          maxPriceMinor=p.max_price_minor, currency=p.currency,
                          image=p.images[0].url if p.images else None, createdAt=p.created_at,
                          ratingAvg=float(p.rating_avg) if p.rating_avg is not None else None,
                          ratingCount=p.rating_count or 0)


def product_out(p: Product) -> ProductOut:
    return ProductOut(
        **summary_out(p).model_dump(), description=p.description, attributes=p.attributes, options=p.options,
        images=[ImageOut(id=i.id, url=i.url, width=i.width, height=i.height, alt=i.alt, contentType=i.content_type)
                for i in p.images],
        variants=[VariantOut(id=v.id, sku=v.sku, optionValues=v.option_values, priceMinor=v.price_minor,
                             compareAtPriceMinor=v.compare_at_price_minor, currency=v.currency, taxClass=v.tax_class,
                             weightGrams=v.weight_grams) for v in p.variants],
        seoTitle=p.seo_title, seoDescription=p.seo_description, rejectionReason=p.rejection_reason,
        approvedAt=p.approved_at, updatedAt=p.updated_at)


def page_out(page: product_queries.Page) -> ProductPage:
    return ProductPage(items=[summary_out(p) for p in page.items], total=page.total, page=page.page,
                       perPage=page.per_page)


@router.post("/vendors/{vendorId}/products", status_code=status.HTTP_201_CREATED, response_model=ProductOut)
async def create_product(body: ProductCreate, vendor_id: OwnVendorDep, uow: UowDep,
                         settings: SettingsDep) -> ProductOut:
    async with uow:
        product = await products_service.create_product(uow=uow, settings=settings, vendor_id=vendor_id, cmd=body)
        await uow.commit()
    return product_out(product)


@router.get("/vendors/{vendorId}/products", response_model=ProductPage)
async def list_vendor_products(vendor_id: OwnVendorDep, uow: UowDep, paging: PagingDep,
                               status: StatusFilter = None) -> ProductPage:
    async with uow:
        page = await product_queries.list_products(uow, vendor_id=vendor_id, status=status, page=paging.page,
                                                   per_page=paging.per_page)
    return page_out(page)


@router.get("/vendors/{vendorId}/products/{product_id}", response_model=ProductOut)
async def get_vendor_product(product_id: str, vendor_id: OwnVendorDep, uow: UowDep) -> ProductOut:
    async with uow:
        product = await product_queries.load_product(uow, product_id, vendor_id=vendor_id)
    return product_out(product)


@router.patch("/vendors/{vendorId}/products/{product_id}", response_model=ProductOut)
async def update_product(product_id: str, body: ProductUpdate, vendor_id: OwnVendorDep, uow: UowDep,
                         settings: SettingsDep) -> ProductOut:
    async with uow:
        product = await products_service.update_product(uow=uow, settings=settings, vendor_id=vendor_id,
                                                        product_id=product_id,
                                                        changes=body.model_dump(exclude_unset=True))
        await uow.commit()
    return product_out(product)


@router.get("/admin/products", response_model=ProductPage)
async def list_admin_products(_: StaffDep, uow: UowDep, paging: PagingDep, status: StatusFilter = None) -> ProductPage:
    async with uow:
        page = await product_queries.list_products(uow, vendor_id=None, status=status, page=paging.page,
                                                   per_page=paging.per_page)
    return page_out(page)


@router.patch("/admin/products/{product_id}/approve", response_model=ProductOut)
async def approve_product(product_id: str, _: AdminDep, uow: UowDep) -> ProductOut:
    async with uow:
        product = await products_service.approve_product(uow=uow, product_id=product_id)
        await uow.commit()
    return product_out(product)


@router.patch("/admin/products/{product_id}/reject", response_model=ProductOut)
async def reject_product(product_id: str, _: AdminDep, uow: UowDep, body: RejectIn | None = None) -> ProductOut:
    async with uow:
        product = await products_service.reject_product(uow=uow, product_id=product_id,
                                                        reason=body.reason if body else None)
        await uow.commit()
    return product_out(product)


@router.get("/products", response_model=ProductPage)
async def list_products(filters: PublicFiltersDep, paging: PagingDep, uow: UowDep) -> ProductPage:
    async with uow:
        page = await product_queries.list_public(uow, filters, page=paging.page, per_page=paging.per_page)
    return page_out(page)


@router.get("/products/{slug}", response_model=ProductOut)
async def get_product(slug: str, uow: UowDep) -> ProductOut:
    async with uow:
        product = await product_queries.get_public(uow, slug[:220])
    return product_out(product)
