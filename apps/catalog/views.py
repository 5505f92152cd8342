"""ORM rows → the HTTP answers of schemas/ (one place, shared by the routers)."""
from __future__ import annotations

from apps.catalog.orm import Brand, Category, Product, ProductImage
from apps.catalog.schemas.products import ImageOut, ProductOut, ProductPage, ProductSummary, VariantOut
from apps.catalog.queries import Page
from apps.catalog.schemas.taxonomy import BrandOut, CategoryOut


def category_out(cat: Category) -> CategoryOut:
    return CategoryOut(id=cat.id, name=cat.name, slug=cat.slug, parentId=cat.parent_id, path=cat.path,
                       depth=cat.depth, sort=cat.sort)


def brand_out(b: Brand) -> BrandOut:
    return BrandOut(id=b.id, name=b.name, slug=b.slug)


def image_out(i: ProductImage) -> ImageOut:
    return ImageOut(id=i.id, url=i.url, width=i.width, height=i.height, alt=i.alt, contentType=i.content_type)


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
        images=[image_out(i) for i in p.images],
        variants=[VariantOut(id=v.id, sku=v.sku, optionValues=v.option_values, priceMinor=v.price_minor,
                             compareAtPriceMinor=v.compare_at_price_minor, currency=v.currency, taxClass=v.tax_class,
                             weightGrams=v.weight_grams) for v in p.variants],
        seoTitle=p.seo_title, seoDescription=p.seo_description, rejectionReason=p.rejection_reason,
        approvedAt=p.approved_at, updatedAt=p.updated_at)


def page_out(page: Page) -> ProductPage:
    return ProductPage(items=[summary_out(p) for p in page.items], total=page.total, page=page.page,
                       perPage=page.per_page)
