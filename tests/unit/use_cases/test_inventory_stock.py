"""Inventory's stock use cases on the fake unit of work: a vendor's adjustment rules, the on-demand opening of a new
SKU (catalog answers from kernel.testing.FakeServiceClients), stock rows for a product, the opening-stock import and
restocked returns. Locking under concurrency is tests/integration/test_inventory.py's."""
from __future__ import annotations

import pytest

from apps.inventory.exceptions import InvalidStockChange, NegativeStock, StockBelowReserved, StockItemNotFound
from apps.inventory.use_cases.adjust_stock import StockChange, adjust_stock
from apps.inventory.use_cases.open_on_demand import adjust_stock_opening_on_demand
from apps.inventory.use_cases.open_stock import create_stock_for_product
from apps.inventory.use_cases.opening_stock import OpeningStock, set_opening_stock
from apps.inventory.use_cases.restock_return import restock_return
from kernel.errors import ServiceUnavailable
from kernel.testing import FakeServiceClients, run_use_case
from tests.fakes.inventory import VENDOR, inventory_world

OTHER_VENDOR = "0190a000-0000-7000-8000-0000000000bb"
PRODUCT = "0190a000-0000-7000-8000-0000000000cc"


async def _adjust(uow, sku="A", vendor_id=VENDOR, **change):
    return await run_use_case(uow, adjust_stock, vendor_id=vendor_id, sku=sku, change=StockChange(**change))


async def test_an_absolute_level_and_a_delta_move_on_hand_with_one_ledger_row_each():
    uow, repo = inventory_world(A=10)
    await _adjust(uow, on_hand=4)
    item = await _adjust(uow, delta=3)

    assert (item.on_hand, item.reserved) == (7, 0)
    assert [(m.reason, m.delta_on_hand, m.reference) for m in repo.movements] == [("adjust", -6, "set"),
                                                                                 ("adjust", 3, "delta")]
    assert [(e["onHand"], e["delta"], e["reason"]) for e in uow.events("inventory.adjusted")] == [
        (4, -6, "set"), (7, 3, "delta")]


async def test_reorder_settings_alone_write_no_movement_but_are_announced_and_can_raise_low_stock():
    uow, repo = inventory_world(A=10)
    item = await _adjust(uow, reorder_point=12, safety_stock=2)

    assert (item.on_hand, item.reorder_point, item.safety_stock) == (10, 12, 2)
    assert repo.movements == []
    assert [(e["delta"], e["reason"]) for e in uow.events("inventory.adjusted")] == [(0, "settings")]
    assert [(e["available"], e["reorderPoint"]) for e in uow.events("inventory.low_stock")] == [(10, 12)]


@pytest.mark.parametrize(("change", "error"), [
    ({}, InvalidStockChange),                       # nothing to change
    ({"on_hand": 2}, StockBelowReserved),           # 3 are reserved
    ({"delta": -8}, StockBelowReserved),
    ({"delta": -11}, NegativeStock),
    ({"on_hand": 5, "delta": 1}, InvalidStockChange),
])
async def test_refused_changes_leave_stock_ledger_and_events_alone(change, error):
    uow, repo = inventory_world()
    repo.put_stock("A", on_hand=10, reserved=3)
    with pytest.raises(error):
        await _adjust(uow, **change)
    assert (repo.stock["A"].on_hand, repo.stock["A"].reserved) == (10, 3)
    assert repo.movements == [] and uow.committed == []


@pytest.mark.parametrize(("sku", "vendor_id"), [("A", OTHER_VENDOR), ("GHOST", VENDOR), ("A", "not-a-uuid"),
                                                ("X" * 65, VENDOR)])
async def test_another_vendors_sku_looks_exactly_like_a_missing_one(sku, vendor_id):
    uow, repo = inventory_world(A=10)
    with pytest.raises(StockItemNotFound):
        await _adjust(uow, sku=sku, vendor_id=vendor_id, on_hand=1)
    assert repo.stock["A"].on_hand == 10


async def _on_demand(uow, clients, sku="NEW-1", vendor_id=VENDOR, **change):
    return await adjust_stock_opening_on_demand(uow=uow, clients=clients, vendor_id=vendor_id, sku=sku,
                                                change=StockChange(**change))


async def test_a_new_sku_of_this_vendor_is_opened_from_the_catalog_then_adjusted_in_one_commit():
    uow, repo = inventory_world()
    clients = FakeServiceClients()
    clients.answer("catalog", "GET", "/internal/v1/skus/NEW-1",
                   json={"sku": "NEW-1", "productId": PRODUCT, "vendorId": VENDOR, "skus": ["NEW-1", "NEW-2"]})
    item = await _on_demand(uow, clients, on_hand=5)

    assert item.on_hand == 5 and set(repo.stock) == {"NEW-1", "NEW-2"}
    assert [(e["sku"], e["reason"]) for e in uow.events("inventory.adjusted")] == [
        ("NEW-1", "created"), ("NEW-2", "created"), ("NEW-1", "set")]
    assert uow.commits == 1  # the miss rolled back; opening and adjusting are one unit of work


async def test_a_known_sku_never_asks_the_catalog():
    uow, _ = inventory_world(A=1)
    clients = FakeServiceClients()
    await _on_demand(uow, clients, sku="A", delta=1)
    assert clients.sent == []


@pytest.mark.parametrize("answer", [{"status": 404, "json": {"detail": "Not Found"}},
                                    {"json": {"sku": "NEW-1", "productId": PRODUCT, "vendorId": OTHER_VENDOR,
                                              "skus": ["NEW-1"]}}])
async def test_a_sku_the_catalog_does_not_give_this_vendor_stays_missing(answer):
    uow, repo = inventory_world()
    clients = FakeServiceClients()
    clients.answer("catalog", "GET", "/internal/v1/skus/NEW-1", **answer)
    with pytest.raises(StockItemNotFound):
        await _on_demand(uow, clients, on_hand=5)
    assert repo.stock == {} and uow.committed == []


async def test_an_empty_change_is_refused_before_the_catalog_is_asked_and_a_catalog_outage_is_a_503():
    uow, _ = inventory_world()
    clients = FakeServiceClients()
    with pytest.raises(InvalidStockChange):
        await _on_demand(uow, clients)
    assert clients.sent == []
    clients.down("catalog")
    with pytest.raises(ServiceUnavailable):
        await _on_demand(uow, clients, on_hand=1)


async def test_a_products_rows_open_once_and_skus_too_long_or_bad_ids_are_skipped():
    uow, repo = inventory_world(OLD=4)
    created = await run_use_case(uow, create_stock_for_product, product_id=PRODUCT, vendor_id=VENDOR,
                                 skus=["B", "A", "OLD", "X" * 65, "A"])
    assert created == ["A", "B"] and repo.stock["OLD"].on_hand == 4
    assert [e["sku"] for e in uow.events("inventory.adjusted")] == ["A", "B"]
    assert await run_use_case(uow, create_stock_for_product, product_id=PRODUCT, vendor_id=VENDOR,
                              skus=["A", "B"]) == []
    assert await run_use_case(uow, create_stock_for_product, product_id="nope", vendor_id=VENDOR, skus=["C"]) == []
    assert "C" not in repo.stock and len(uow.events("inventory.adjusted")) == 2


async def test_opening_stock_sets_only_rows_never_set_and_a_rerun_changes_nothing():
    uow, repo = inventory_world(FRESH=0, ZERO=0, SOLD=0, STOCKED=3)
    await _adjust(uow, sku="SOLD", on_hand=0, reorder_point=1)  # touched before: a reorder point
    levels = {"FRESH": OpeningStock(8, 2), "ZERO": OpeningStock(0), "SOLD": OpeningStock(5),
              "STOCKED": OpeningStock(9), "GHOST": OpeningStock(1)}

    assert await run_use_case(uow, set_opening_stock, levels=levels) == ["FRESH"]
    assert (repo.stock["FRESH"].on_hand, repo.stock["FRESH"].reorder_point) == (8, 2)
    assert [(m.sku, m.reference) for m in repo.movements if m.reference == "opening"] == [("FRESH", "opening")]
    assert await run_use_case(uow, set_opening_stock, levels=levels) == []
    assert repo.stock["FRESH"].on_hand == 8


async def test_returned_goods_go_back_on_hand_per_sku_referenced_by_the_rma():
    uow, repo = inventory_world(A=1, B=0)
    restocked = await run_use_case(uow, restock_return, rma_id="RMA-1", items=[("B", 1), ("A", 2), ("B", 2),
                                                                               ("GHOST", 1), ("A", 0)])
    assert restocked == ["A", "B"]
    assert {sku: i.on_hand for sku, i in repo.stock.items()} == {"A": 3, "B": 3}
    assert [(m.sku, m.reason, m.delta_on_hand, m.reference) for m in repo.movements] == [
        ("A", "restock", 2, "RMA-1"), ("B", "restock", 3, "RMA-1")]
    assert [e["reason"] for e in uow.events("inventory.adjusted")] == ["restock", "restock"]
