"""Cart use cases on the fake unit of work, with inventory, coupons and shipping answering through
FakeServiceClients (so cart's own clients.py maps their answers for real). The Redis copy, row locks and the
events over Kafka are shown by tests/integration/test_cart_*.py."""
from __future__ import annotations

import pytest

from apps.cart.use_cases import checkout
from apps.cart import queries
from apps.cart.use_cases import coupon
from apps.cart.use_cases import items
from apps.cart.exceptions import (CartFull, CartLineNotFound, CouponRejected, CurrencyMismatch, InsufficientStock,
                                  InvalidQuantity, NotPurchasable, UnknownSku)
from kernel.errors import ServiceUnavailable
from kernel.testing import run_use_case
from tests.fakes.cart import SHOPPER, cart_settings, cart_world, in_stock

EVALUATE = ("coupons", "POST", "/internal/v1/coupons/evaluate")


async def _add(uow, svc, sku, qty=1, **settings):
    return await run_use_case(uow, items.add_item, svc=svc, settings=cart_settings(**settings), user_id=SHOPPER,
                              sku=sku, qty=qty)


async def _set(uow, svc, sku, qty):
    return await run_use_case(uow, items.set_qty, svc=svc, settings=cart_settings(), user_id=SHOPPER, sku=sku,
                              qty=qty)


def _stocked(**skus):
    uow, repo, svc = cart_world()
    for sku, available in skus.items():
        repo.sell(sku, price_minor=1000 + len(sku))
        in_stock(svc, sku, available)
    return uow, repo, svc


async def test_adding_captures_the_catalog_price_and_emits_item_added():
    uow, repo, svc = _stocked(A=5)
    doc = await _add(uow, svc, "A", 2)

    assert [(i["sku"], i["qty"], i["priceMinor"]) for i in doc["items"]] == [("A", 2, 1001)]
    assert (doc["version"], doc["currency"]) == (1, "USD")
    assert uow.events("cart.item_added")[0] | {"at": None} == {
        "userId": SHOPPER, "sku": "A", "productId": repo.catalog["A"][0].product_id, "vendorId":
        repo.catalog["A"][0].vendor_id, "qty": 2, "lineQty": 2, "priceMinor": 1001, "currency": "USD",
        "categoryIds": ["cat-1"], "reason": "added", "at": None}


async def test_adding_more_checks_stock_for_the_whole_line():
    uow, _, svc = _stocked(A=3)
    await _add(uow, svc, "A", 2)
    with pytest.raises(InsufficientStock) as raised:
        await _add(uow, svc, "A", 2)
    assert raised.value.errors == [{"field": "qty", "sku": "A", "available": 3, "requested": 4}]
    assert uow.event_types() == ["cart.item_added"]


async def test_an_item_without_a_stock_row_counts_as_none_available():
    uow, repo, svc = cart_world()
    repo.sell("A")
    with pytest.raises(InsufficientStock):
        await _add(uow, svc, "A")
    assert repo.carts == {}  # the empty cart the failed attempt created is rolled back


async def test_inventory_down_is_a_503_not_a_full_cart():
    uow, repo, svc = cart_world()
    repo.sell("A")
    svc.down("inventory")
    with pytest.raises(ServiceUnavailable):
        await _add(uow, svc, "A")
    assert uow.committed == []


@pytest.mark.parametrize("sell, error", [
    ({}, UnknownSku),
    ({"product_status": "archived"}, NotPurchasable),
    ({"vendor_status": "suspended"}, NotPurchasable),
    ({"vendor_status": None}, NotPurchasable),  # no vendor.approved seen yet
])
async def test_only_active_products_of_active_vendors_can_be_added(sell, error):
    uow, repo, svc = cart_world()
    if sell:
        repo.sell("A", **sell)
    in_stock(svc, "A", 10)
    with pytest.raises(error):
        await _add(uow, svc, "A")
    assert svc.sent == []  # refused before inventory is asked


async def test_one_currency_per_cart_and_bounded_lines_and_quantities():
    uow, repo, svc = _stocked(A=500, B=500, C=500)
    repo.sell("E", currency="EUR")
    in_stock(svc, "E", 5)
    await _add(uow, svc, "A")
    with pytest.raises(CurrencyMismatch):
        await _add(uow, svc, "E")
    with pytest.raises(InvalidQuantity):
        await _add(uow, svc, "A", 99)
    await _add(uow, svc, "B", max_lines=2)
    with pytest.raises(CartFull):
        await _add(uow, svc, "C", max_lines=2)


async def test_lowering_a_quantity_emits_item_removed_without_asking_inventory():
    uow, _, svc = _stocked(A=5)
    await _add(uow, svc, "A", 4)
    asked = len(svc.sent)
    doc = await _set(uow, svc, "A", 1)

    assert doc["items"][0]["qty"] == 1 and len(svc.sent) == asked
    removed = uow.events("cart.item_removed")[0]
    assert (removed["qty"], removed["lineQty"], removed["reason"]) == (3, 1, "qty_changed")


async def test_the_same_quantity_changes_nothing():
    uow, _, svc = _stocked(A=5)
    first = await _add(uow, svc, "A", 2)
    again = await _set(uow, svc, "A", 2)
    assert again["version"] == first["version"] and uow.event_types() == ["cart.item_added"]


async def test_raising_a_quantity_checks_stock_and_missing_lines_are_not_found():
    uow, _, svc = _stocked(A=2)
    await _add(uow, svc, "A", 1)
    with pytest.raises(InsufficientStock):
        await _set(uow, svc, "A", 3)
    with pytest.raises(CartLineNotFound):
        await _set(uow, svc, "B", 1)


async def test_removing_the_last_line_frees_the_cart_currency():
    uow, _, svc = _stocked(A=2)
    await _add(uow, svc, "A", 2)
    doc = await run_use_case(uow, items.remove_item, settings=cart_settings(), user_id=SHOPPER, sku="A")
    assert doc["items"] == [] and doc["currency"] == "USD"  # the default again: the next item sets it
    assert uow.events("cart.item_removed")[0]["qty"] == 2
    with pytest.raises(CartLineNotFound):
        await run_use_case(uow, items.remove_item, settings=cart_settings(), user_id=SHOPPER, sku="A")


async def test_a_valid_coupon_is_kept_upper_cased_and_announced():
    uow, _, svc = _stocked(A=2)
    await _add(uow, svc, "A", 2)
    svc.answer(*EVALUATE, json={"valid": True, "discountMinor": 300, "allocations": [{"sku": "A",
                                                                                      "discountMinor": 300}]})
    doc, result = await run_use_case(uow, coupon.apply_coupon, svc=svc, settings=cart_settings(),
                                     user_id=SHOPPER, code=" save3 ")
    assert doc["couponCode"] == "SAVE3" and result.discount_minor == 300
    assert uow.events("cart.coupon_applied")[0]["discountMinor"] == 300
    sent = svc.requests_to("coupons")[0][1]
    assert (sent["userId"], [i["sku"] for i in sent["items"]]) == (SHOPPER, ["A"])


@pytest.mark.parametrize("status, body, reason", [
    (200, {"valid": False, "reason": "min_subtotal", "message": "Spend 50 more."}, "min_subtotal"),
    (422, {"detail": "bad code"}, "not_found"),
])
async def test_a_coupon_that_does_not_apply_is_refused_with_its_reason(status, body, reason):
    uow, _, svc = _stocked(A=2)
    await _add(uow, svc, "A")
    svc.answer(*EVALUATE, status=status, json=body)
    with pytest.raises(CouponRejected) as raised:
        await run_use_case(uow, coupon.apply_coupon, svc=svc, settings=cart_settings(), user_id=SHOPPER,
                           code="X")
    assert raised.value.errors[0]["reason"] == reason
    assert "cart.coupon_applied" not in uow.event_types()


async def test_removing_a_coupon_announces_only_a_real_removal():
    uow, repo, svc = _stocked(A=2)
    await _add(uow, svc, "A")
    await run_use_case(uow, coupon.remove_coupon, settings=cart_settings(), user_id=SHOPPER)
    assert "cart.coupon_removed" not in uow.event_types()
    repo.carts[SHOPPER].coupon_code = "SAVE3"
    await run_use_case(uow, coupon.remove_coupon, settings=cart_settings(), user_id=SHOPPER)
    assert uow.events("cart.coupon_removed")[0]["code"] == "SAVE3"


async def test_checkout_takes_only_the_ordered_units_once_and_drops_the_coupon():
    uow, repo, svc = _stocked(A=9, B=9)
    await _add(uow, svc, "A", 3)
    await _add(uow, svc, "B", 1)  # added while the order was being placed: stays
    repo.carts[SHOPPER].coupon_code = "SAVE3"
    doc = await run_use_case(uow, checkout.checked_out, settings=cart_settings(), user_id=SHOPPER,
                             order_no="MKT-1", lines=[("A", 2)])
    again = await run_use_case(uow, checkout.checked_out, settings=cart_settings(), user_id=SHOPPER,
                               order_no="MKT-1", lines=[("A", 2)])

    assert [(i["sku"], i["qty"]) for i in doc["items"]] == [("A", 1), ("B", 1)] and doc["couponCode"] is None
    assert again is None
    out = uow.events("cart.checked_out")
    assert [(o["orderNo"], o["subtotalMinor"], o["couponCode"]) for o in out] == [("MKT-1", 2002, "SAVE3")]


async def test_the_summary_falls_back_to_flat_shipping_and_flags_items_no_longer_for_sale():
    uow, repo, svc = _stocked(A=9, B=9)
    await _add(uow, svc, "A", 1)
    await _add(uow, svc, "B", 1)
    repo.sell("B", vendor_status="suspended")
    svc.down("shipping")
    doc = queries.document(repo.carts[SHOPPER], SHOPPER, "USD")
    async with uow:
        summary = await checkout.summary(uow=uow, svc=svc, settings=cart_settings(flat_shipping_minor=450),
                                         doc=doc, method="standard", destination={"country": "US"})
    assert summary["shipping"] == {"amountMinor": 450, "source": "flat", "serviceLevel": "standard",
                                   "etaDays": None}
    assert [i["purchasable"] for i in summary["items"]] == [True, False] and summary["checkoutReady"] is False
