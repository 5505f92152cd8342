"""Shipping and delivery of an order's items (vendor PATCH, shipping.label_created, shipping.delivered) and the
vendor projection, on the fake unit of work."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.orders import projections
from apps.orders.exceptions import IllegalTransition, ItemNotFound, OrderNotFound
from apps.orders.orm import VendorCommission
from apps.orders.repository import OrderRepository
from apps.orders.use_cases import fulfilment, reactions
from kernel.clock import utcnow
from kernel.testing import FakeUnitOfWork, run_use_case
from tests.fakes.orders import VENDOR_A, VENDOR_B, FakeOrderRepository, placed_order, world

TWO_VENDORS = [("SKU-1", VENDOR_A, 1, 100), ("SKU-2", VENDOR_A, 1, 100), ("SKU-3", VENDOR_B, 1, 100)]


async def _ship(uow, order, *, vendor_id=VENDOR_A, sku="SKU-1", carrier="ups", tracking_no="1Z1"):
    return await run_use_case(uow, fulfilment.vendor_ship, vendor_id=vendor_id, order_no=order.order_no, sku=sku,
                              carrier=carrier, tracking_no=tracking_no)


async def test_a_vendor_ships_its_item_and_is_fulfilled_once_all_its_items_left():
    order = placed_order(status="processing", payment_status="paid", items=TWO_VENDORS)
    uow, _, _ = world(order)
    await _ship(uow, order, sku="SKU-1")
    assert uow.event_types() == ["order.item_shipped"] and order.status == "processing"
    await _ship(uow, order, sku="SKU-2", tracking_no="1Z2")

    assert uow.events("order.fulfilled") == [{"orderNo": order.order_no, "vendorId": VENDOR_A,
                                              "userId": order.user_id, "trackingNos": ["1Z1", "1Z2"],
                                              "shippedAt": uow.events("order.fulfilled")[0]["shippedAt"]}]
    assert order.status == "processing"  # vendor B's item is still pending
    await _ship(uow, order, vendor_id=VENDOR_B, sku="SKU-3", carrier="dhl", tracking_no="D1")
    assert order.status == "shipped"


async def test_the_same_ship_request_twice_ships_once():
    order = placed_order(status="processing", payment_status="paid")
    uow, _, _ = world(order)
    await _ship(uow, order)
    await _ship(uow, order)
    assert uow.event_types().count("order.item_shipped") == 1


async def test_reshipping_with_another_tracking_number_is_a_conflict():
    order = placed_order(status="processing", payment_status="paid")
    uow, _, _ = world(order)
    await _ship(uow, order)
    with pytest.raises(IllegalTransition):
        await _ship(uow, order, tracking_no="OTHER")


@pytest.mark.parametrize("kwargs, error", [({"vendor_id": VENDOR_B}, OrderNotFound),
                                           ({"sku": "SKU-9"}, ItemNotFound)])
async def test_a_vendor_sees_only_its_own_items(kwargs, error):
    order = placed_order(status="processing", payment_status="paid")
    uow, _, _ = world(order)
    with pytest.raises(error):
        await _ship(uow, order, **kwargs)
    assert uow.committed == []


@pytest.mark.parametrize("state", [dict(status="unfulfilled"), dict(status="processing", fraud_hold=True)])
async def test_unpaid_or_held_orders_cannot_ship(state):
    order = placed_order(payment_status="paid", **state)
    uow, _, _ = world(order)
    with pytest.raises(IllegalTransition):
        await _ship(uow, order)
    assert order.items[0].status == "pending" and uow.rollbacks == 1


async def test_a_label_ships_only_that_vendors_pending_items():
    order = placed_order(status="processing", payment_status="paid", items=TWO_VENDORS)
    uow, _, _ = world(order)
    await run_use_case(uow, reactions.label_created, order_no=order.order_no, vendor_id=VENDOR_A, carrier="ups",
                       tracking_no="1Z9")
    assert [(i.sku, i.status, i.tracking_no) for i in order.items] == [
        ("SKU-1", "shipped", "1Z9"), ("SKU-2", "shipped", "1Z9"), ("SKU-3", "pending", None)]
    assert [e["vendorId"] for e in uow.events("order.fulfilled")] == [VENDOR_A]


@pytest.mark.parametrize("state", [dict(status="processing", fraud_hold=True), dict(status="cancelled")])
async def test_a_label_for_a_held_or_cancelled_order_ships_nothing(state):
    order = placed_order(payment_status="paid", **state)
    uow, _, _ = world(order)
    await run_use_case(uow, reactions.label_created, order_no=order.order_no, vendor_id=VENDOR_A, carrier=None,
                       tracking_no="1Z9")
    assert order.items[0].status == "pending" and uow.committed == []


async def test_a_delivery_reported_without_a_label_ships_then_delivers_with_a_full_timeline():
    order = placed_order(status="processing", payment_status="paid")
    uow, _, _ = world(order)
    await run_use_case(uow, reactions.delivered, order_no=order.order_no, vendor_id=VENDOR_A, tracking_no=None,
                       at=None)
    assert order.status == "delivered" and order.items[0].status == "delivered"
    assert [e["to"] for e in uow.events("order.status_changed")] == ["shipped", "delivered"]
    assert uow.events("order.delivered")[0]["vendorIds"] == [VENDOR_A]


async def test_a_tracked_delivery_delivers_only_the_items_of_that_parcel():
    order = placed_order(status="processing", payment_status="paid", items=TWO_VENDORS[:2])
    uow, _, _ = world(order)
    await _ship(uow, order, sku="SKU-1", tracking_no="P1")
    await _ship(uow, order, sku="SKU-2", tracking_no="P2")
    await run_use_case(uow, reactions.delivered, order_no=order.order_no, vendor_id=VENDOR_A, tracking_no="P1",
                       at=None)
    assert [i.status for i in order.items] == ["delivered", "shipped"] and order.status == "shipped"
    assert uow.events("order.delivered") == []


async def _vendor_event(uow, *, status, commission=None, at):
    return await run_use_case(uow, projections.upsert, vendor_id=VENDOR_A, status=status,
                              commission=commission, occurred_at=at)


async def test_the_vendor_projection_ignores_an_older_event_and_keeps_the_commission_on_suspension():
    repo = FakeOrderRepository()
    uow, now = FakeUnitOfWork({OrderRepository: repo}), utcnow()
    assert await _vendor_event(uow, status="active", commission={"type": "fixed", "value": 250}, at=now)
    assert await _vendor_event(uow, status="suspended", at=now + timedelta(seconds=1))
    assert not await _vendor_event(uow, status="active", at=now - timedelta(hours=1))  # redelivered, stale

    row: VendorCommission = repo.vendor_rows[VENDOR_A]
    assert (row.status, row.commission_type, row.commission_value) == ("suspended", "fixed", 250)
