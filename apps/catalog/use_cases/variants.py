"""Variant (SKU) helpers of the product use cases: rule checks against the settings, patches, marketplace-wide SKU
checks, and the product snapshot its events carry."""
from __future__ import annotations

from typing import Any

from apps.catalog import domain
from apps.catalog.config import CatalogSettings
from apps.catalog.exceptions import InvalidProduct, SkuTaken
from apps.catalog.orm import Product, ProductVariant
from apps.catalog.repository import ProductRepository
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork

_PATCHABLE = ("option_values", "price_minor", "compare_at_price_minor", "tax_class", "weight_grams")


def check_rules(options: list[dict], variants: list[dict], settings: CatalogSettings) -> None:
    try:
        domain.check_variants(options, variants, max_variants=settings.max_variants_per_product)
    except domain.RuleViolation as exc:
        raise InvalidProduct(str(exc), errors=exc.errors) from None


def variant_dicts(product: Product) -> list[dict[str, Any]]:
    return [{"sku": v.sku, "option_values": v.option_values, "price_minor": v.price_minor, "currency": v.currency,
             "compare_at_price_minor": v.compare_at_price_minor} for v in product.variants]


async def ensure_skus_free(uow: UnitOfWork, skus: list[str]) -> None:
    taken = await uow.repository(ProductRepository).taken_skus(skus)
    if taken:
        raise SkuTaken(f"SKU already in use in the marketplace: {', '.join(sorted(taken))[:300]}.",
                       errors=[{"field": "variants", "message": f"SKU {s} exists"} for s in sorted(taken)])


def _new_variant(patch: dict[str, Any], position: int) -> ProductVariant:
    if patch.get("price_minor") is None or patch.get("currency") is None:
        raise InvalidProduct(f"New SKU {patch['sku']!r} needs priceMinor and currency.",
                             errors=[{"field": "variants", "message": "priceMinor and currency required"}])
    fields = {k: patch.get(k) for k in _PATCHABLE}
    fields["option_values"] = fields["option_values"] or {}
    return ProductVariant(id=new_id_str(), sku=patch["sku"], currency=patch["currency"], position=position, **fields)


def _update_variant(variant: ProductVariant, patch: dict[str, Any], vendor_id: str) -> dict[str, Any] | None:
    """Apply one patch; returns the product.price.updated payload (sans time) if the price moved."""
    if patch.get("currency") not in (None, variant.currency):
        raise InvalidProduct(f"SKU {variant.sku!r} keeps its currency; add a new SKU for another one.",
                             errors=[{"field": "variants", "message": "currency of an existing SKU is fixed"}])
    old_price, old_compare = variant.price_minor, variant.compare_at_price_minor
    for key in _PATCHABLE:
        if key in patch and (patch[key] is not None or key == "compare_at_price_minor"):
            setattr(variant, key, patch[key])
    if (variant.price_minor, variant.compare_at_price_minor) == (old_price, old_compare):
        return None
    return {"productId": variant.product_id, "vendorId": vendor_id, "sku": variant.sku,
            "oldPriceMinor": old_price, "newPriceMinor": variant.price_minor, "currency": variant.currency,
            "oldCompareAtPriceMinor": old_compare, "newCompareAtPriceMinor": variant.compare_at_price_minor}


async def apply_variant_patches(uow: UnitOfWork, product: Product, patches: list[dict[str, Any]]) -> list[dict]:
    """Update the SKUs named in `patches` and add new ones; returns one price change per repriced SKU."""
    by_sku = {v.sku: v for v in product.variants}
    new = [p for p in patches if p["sku"] not in by_sku]
    if len({p["sku"] for p in patches}) != len(patches):
        raise InvalidProduct("A SKU appears twice in the patch.", errors=[{"field": "variants", "message": "repeat"}])
    if new:
        await ensure_skus_free(uow, [p["sku"] for p in new])
    changes = [c for p in patches if p["sku"] in by_sku
               if (c := _update_variant(by_sku[p["sku"]], p, product.vendor_id)) is not None]
    for i, patch in enumerate(new):
        product.variants.append(_new_variant(patch, len(by_sku) + i))
    return changes


def snapshot(product: Product, *, previous_status: str | None = None) -> dict[str, Any]:
    """The product as its events carry it (see kernel.contracts.catalog.ProductChanged)."""
    return {
        "productId": product.id, "vendorId": product.vendor_id, "title": product.title, "slug": product.slug,
        "status": product.status, "previousStatus": previous_status,
        "categoryIds": [c.id for c in product.categories], "brandId": product.brand_id,
        "variants": [{"sku": v.sku, "priceMinor": v.price_minor, "currency": v.currency,
                      "compareAtPriceMinor": v.compare_at_price_minor, "weightGrams": v.weight_grams,
                      "optionValues": v.option_values, "taxClass": v.tax_class} for v in product.variants],
        "createdAt": product.created_at, "updatedAt": product.updated_at,
        "description": product.description, "attributes": product.attributes,
    }
