"""Catalog product use cases on the fake unit of work: listing (active vendor, known references, SKUs unique in
the marketplace, free slugs), the vendor's and the admin's status moves, price changes, and what asks the search
indexer to refresh."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from apps.catalog.exceptions import InvalidProduct, InvalidStatusChange, ProductNotFound, SkuTaken, VendorNotActive
from apps.catalog.schemas.products import ProductCreate
from apps.catalog.use_cases.create_product import create_product
from apps.catalog.use_cases.review_product import approve_product, reject_product
from apps.catalog.use_cases.update_product import update_product
from kernel.vendor_status import ActiveVendor
from tests.fakes.catalog import OTHER_VENDOR, VENDOR, catalog_settings, catalog_world


def _listing(category_id: str, *skus: str, title: str = "Blue Mug", **extra):
    return ProductCreate.model_validate({
        "title": title, "categoryIds": [category_id],
        "variants": [{"sku": s, "priceMinor": 1200 + i, "currency": "USD"} for i, s in enumerate(skus or ["MUG-1"])],
        **extra})


async def _list(uow, repo, *skus, vendor_id=VENDOR, **extra):
    cmd = _listing(repo.category("Kitchen"), *skus, **extra)
    return await create_product(uow=uow, settings=catalog_settings(), vendor_id=vendor_id, cmd=cmd)


async def test_an_active_vendor_lists_a_pending_product_with_its_price_range():
    uow, repo = catalog_world()
    product = await _list(uow, repo, "MUG-1", "MUG-2")
    assert (product.status, product.slug, product.min_price_minor, product.max_price_minor) == (
        "pending", "blue-mug", 1200, 1201)
    created = uow.events("product.created")[0]
    assert [v["sku"] for v in created["variants"]] == ["MUG-1", "MUG-2"]
    assert list(repo.products) == [product.id]


async def test_a_vendor_that_is_not_active_cannot_list():
    uow, repo = catalog_world()
    repo.vendor_statuses[OTHER_VENDOR] = "suspended"
    with pytest.raises(VendorNotActive):
        await _list(uow, repo, vendor_id=OTHER_VENDOR)
    assert repo.products == {} and uow.committed == []


async def test_a_vendor_confirmed_active_by_vendors_lists_before_the_approval_event_arrives():
    # Read-your-writes: the approval's event has not reached the catalog's projection yet ("pending"), but vendors
    # (the source of truth) confirmed the vendor active during this request, so the projection catches up.
    uow, repo = catalog_world()
    repo.vendor_statuses[OTHER_VENDOR] = "pending"
    approved_at = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    confirmed = ActiveVendor(vendor_id=OTHER_VENDOR, name="Shop", slug="shop", updated_at=approved_at)
    product = await create_product(uow=uow, settings=catalog_settings(), vendor_id=OTHER_VENDOR,
                                   cmd=_listing(repo.category("Kitchen"), "MUG-1"), confirmed=confirmed)
    assert product.vendor_id == OTHER_VENDOR and repo.vendor_statuses[OTHER_VENDOR] == "active"


async def test_a_confirmation_older_than_the_projection_does_not_override_a_later_suspension():
    uow, repo = catalog_world()
    repo.vendor_statuses[OTHER_VENDOR] = "suspended"
    repo.vendor_seen_at[OTHER_VENDOR] = datetime(2026, 12, 3, 12, 5, tzinfo=timezone.utc)
    stale = ActiveVendor(vendor_id=OTHER_VENDOR, name="Shop", slug="shop",
                         updated_at=datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc))
    with pytest.raises(VendorNotActive):
        await create_product(uow=uow, settings=catalog_settings(), vendor_id=OTHER_VENDOR,
                             cmd=_listing(repo.category("Kitchen"), "MUG-1"), confirmed=stale)
    # Another vendor's confirmation never vouches for this one.
    with pytest.raises(VendorNotActive):
        await create_product(uow=uow, settings=catalog_settings(), vendor_id=OTHER_VENDOR,
                             cmd=_listing(repo.category("Kitchen"), "MUG-2"),
                             confirmed=ActiveVendor(vendor_id=VENDOR, name="x", slug="x", updated_at=None))
    assert repo.vendor_statuses[OTHER_VENDOR] == "suspended" and repo.products == {}


async def test_skus_are_unique_across_the_marketplace_and_a_taken_slug_gets_a_suffix():
    uow, repo = catalog_world()
    first = await _list(uow, repo, "MUG-1")
    with pytest.raises(SkuTaken) as raised:
        await _list(uow, repo, "MUG-1", "MUG-9")
    assert raised.value.errors == [{"field": "variants", "message": "SKU MUG-1 exists"}]
    second = await _list(uow, repo, "MUG-2")
    assert first.slug == "blue-mug" and second.slug.startswith("blue-mug-") and second.slug != first.slug


async def test_unknown_categories_and_brands_are_refused():
    uow, repo = catalog_world()
    cmd = _listing("0190a000-0000-7000-8000-0000000000c9", "MUG-1")
    with pytest.raises(InvalidProduct):
        await create_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, cmd=cmd)
    with pytest.raises(InvalidProduct) as raised:
        await _list(uow, repo, brandId="0190a000-0000-7000-8000-0000000000b9")
    assert raised.value.errors[0]["field"] == "brandId"


async def test_approval_puts_a_pending_product_live_and_asks_the_indexer_to_add_it():
    uow, repo = catalog_world()
    product = await _list(uow, repo)
    await approve_product(uow=uow, product_id=product.id)
    assert product.status == "active" and product.approved_at is not None
    index = uow.events("product.index.requested")[0]
    assert (index["reason"], index["public"]) == ("product.approved", True)
    with pytest.raises(InvalidStatusChange):
        await approve_product(uow=uow, product_id=product.id)


async def test_rejection_sends_it_back_as_a_draft_with_the_reason_and_indexes_nothing():
    uow, repo = catalog_world()
    product = await _list(uow, repo)
    await reject_product(uow=uow, product_id=product.id, reason="blurry photos")
    assert (product.status, product.rejection_reason) == ("draft", "blurry photos")
    assert uow.events("product.rejected")[0]["reason"] == "blurry photos"
    assert uow.events("product.index.requested") == []


async def test_a_price_change_is_announced_per_sku_and_a_live_product_is_reindexed():
    uow, repo = catalog_world()
    product = await _list(uow, repo, "MUG-1", "MUG-2")
    await approve_product(uow=uow, product_id=product.id)
    await update_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, product_id=product.id,
                         changes={"variants": [{"sku": "MUG-2", "price_minor": 999}]})

    price = uow.events("product.price.updated")
    assert [(p["sku"], p["oldPriceMinor"], p["newPriceMinor"]) for p in price] == [("MUG-2", 1201, 999)]
    assert (product.min_price_minor, product.max_price_minor) == (999, 1200)
    assert [e["reason"] for e in uow.events("product.index.requested")] == ["product.approved", "product.updated"]


async def test_a_vendor_archives_its_product_but_cannot_approve_it_or_touch_anothers():
    uow, repo = catalog_world()
    product = await _list(uow, repo)
    with pytest.raises(InvalidStatusChange):
        await update_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, product_id=product.id,
                             changes={"status": "active"})
    with pytest.raises(ProductNotFound):
        await update_product(uow=uow, settings=catalog_settings(), vendor_id=OTHER_VENDOR, product_id=product.id,
                             changes={"title": "Mine now"})
    await update_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, product_id=product.id,
                         changes={"status": "archived"})
    assert product.status == "archived" and uow.events("product.archived")[0]["previousStatus"] == "pending"


async def test_a_new_sku_in_a_patch_needs_a_price_and_must_be_free():
    uow, repo = catalog_world()
    product = await _list(uow, repo, "MUG-1")
    await _list(uow, repo, "CUP-1", title="Cup")
    with pytest.raises(InvalidProduct):
        await update_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, product_id=product.id,
                             changes={"variants": [{"sku": "MUG-2"}]})
    with pytest.raises(SkuTaken):
        await update_product(uow=uow, settings=catalog_settings(), vendor_id=VENDOR, product_id=product.id,
                             changes={"variants": [{"sku": "CUP-1", "price_minor": 5, "currency": "USD"}]})
