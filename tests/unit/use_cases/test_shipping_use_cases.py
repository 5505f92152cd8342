"""Shipping use cases on the fake unit of work, with the orders lookup answering through FakeServiceClients:
who may print a label for which order, one label per vendor and order, the delivery promise, and the tracking
state machine with its lateness verdict."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.shipping import queries
from apps.shipping.use_cases import create_label
from apps.shipping.use_cases import record_event
from apps.shipping.clients import orders_client
from apps.shipping.exceptions import (InvalidTransition, LabelExists, NoRate, NotYourShipment, OrderNotFound,
                                      OrderNotShippable, ShipmentNotFound)
from apps.shipping.schemas import RatesIn
from kernel.auth import CurrentUser
from kernel.testing import run_use_case
from tests.fakes.shipping import OTHER_VENDOR, VENDOR, shipping_settings, shipping_world

VENDOR_ADMIN = CurrentUser(id="0190a000-0000-7000-8000-0000000000v1", roles=("vendor_admin",), vendor_id=VENDOR)
STAFF = CurrentUser(id="0190a000-0000-7000-8000-0000000000s1", roles=("staff",))
ORDER = "MKT-00000011"


async def _label(uow, svc, *, user=VENDOR_ADMIN, vendor_id=VENDOR, level="standard", order_no=ORDER):
    return await run_use_case(uow, create_label.create_label, settings=shipping_settings(), orders=orders_client(svc),
                              user=user, order_no=order_no, vendor_id=vendor_id, service_level=level)


async def _scan(uow, shipment, status, at):
    return await run_use_case(uow, record_event.record_event, settings=shipping_settings(),
                              tracking_no=shipment.tracking_no, status=status, location="Hub", at=at)


async def test_a_vendor_prints_one_label_for_its_items_of_a_paid_order():
    uow, repo, svc = shipping_world()
    repo.paid_order(ORDER, VENDOR, OTHER_VENDOR)
    shipment = await _label(uow, svc)

    assert (shipment.zone, shipment.eta_days, shipment.status) == ("domestic", 3, "label_created")
    assert shipment.promised_at - shipment.created_at >= timedelta(days=3)
    assert uow.event_types() == ["shipping.label.created", "shipping.status.updated"]
    assert svc.sent == []
    with pytest.raises(LabelExists):
        await _label(uow, svc)
    assert list(repo.shipments) == [shipment.tracking_no]


async def test_only_that_vendor_or_staff_may_ship_and_only_its_own_items():
    uow, repo, svc = shipping_world()
    repo.paid_order(ORDER, VENDOR)
    with pytest.raises(NotYourShipment):
        await _label(uow, svc, vendor_id=OTHER_VENDOR)  # a vendor admin of another vendor
    with pytest.raises(NotYourShipment):
        await _label(uow, svc, user=STAFF, vendor_id=OTHER_VENDOR)  # staff, but the order has none of its items
    assert (await _label(uow, svc, user=STAFF)).vendor_id == VENDOR


@pytest.mark.parametrize("status", ["pending", "cancelled"])
async def test_an_order_that_is_not_paid_does_not_ship(status):
    uow, repo, svc = shipping_world()
    repo.paid_order(ORDER, VENDOR, status=status)
    svc.answer("orders", "GET", f"/internal/v1/orders/{ORDER}", json={
        "orderNo": ORDER, "status": "unfulfilled" if status == "pending" else status, "paymentStatus": "pending",
        "items": [{"vendorId": VENDOR}], "shippingAddress": {"country": "US"}})
    with pytest.raises(OrderNotShippable):
        await _label(uow, svc)
    assert repo.shipments == {} and uow.committed == []


async def test_an_order_the_events_have_not_shown_yet_is_read_from_orders_and_projected():
    uow, repo, svc = shipping_world()
    svc.answer("orders", "GET", f"/internal/v1/orders/{ORDER}", json={
        "orderNo": ORDER, "status": "processing", "paymentStatus": "paid", "items": [{"vendorId": VENDOR}],
        "shippingAddress": {"country": "de", "city": "Berlin", "postalCode": "10115"}})
    shipment = await _label(uow, svc)

    assert (shipment.zone, shipment.destination_country, shipment.eta_days) == ("international", "DE", 8)
    assert (repo.orders[ORDER].status, repo.orders[ORDER].vendor_ids) == ("paid", [VENDOR])


async def test_an_unknown_order_is_not_found_and_a_missing_service_level_has_no_rate():
    uow, repo, svc = shipping_world()
    with pytest.raises(OrderNotFound):
        await _label(uow, svc)
    repo.paid_order(ORDER, VENDOR)
    with pytest.raises(NoRate):
        await _label(uow, svc, level="express")


async def test_tracking_follows_the_state_machine_and_delivery_past_the_promise_is_late():
    uow, repo, svc = shipping_world()
    repo.paid_order(ORDER, VENDOR)
    shipment = await _label(uow, svc)
    start = shipment.created_at
    await _scan(uow, shipment, "in_transit", start + timedelta(hours=5))
    with pytest.raises(InvalidTransition):
        await _scan(uow, shipment, "label_created", start + timedelta(hours=6))
    with pytest.raises(InvalidTransition):  # earlier than the last scan
        await _scan(uow, shipment, "out_for_delivery", start + timedelta(hours=1))
    await _scan(uow, shipment, "delivered", start + timedelta(days=5))

    delivered = uow.events("shipping.delivered")[0]
    assert delivered["late"] is True and delivered["transitHours"] == 120.0
    assert [e.status for e in shipment.events] == ["label_created", "in_transit", "delivered"]
    with pytest.raises(InvalidTransition):
        await _scan(uow, shipment, "in_transit", start + timedelta(days=6))


async def test_an_on_time_delivery_is_not_late_and_unknown_tracking_numbers_are_not_found():
    uow, repo, svc = shipping_world()
    repo.paid_order(ORDER, VENDOR)
    shipment = await _label(uow, svc)
    await _scan(uow, shipment, "in_transit", shipment.created_at + timedelta(days=1))
    await _scan(uow, shipment, "delivered", shipment.created_at + timedelta(days=2))
    assert uow.events("shipping.delivered")[0]["late"] is False
    with pytest.raises(ShipmentNotFound):
        await run_use_case(uow, record_event.record_event, settings=shipping_settings(), tracking_no="nope",
                           status="delivered", location=None, at=None)


async def test_rates_price_by_zone_and_weight():
    uow, _, _ = shipping_world()
    cmd = RatesIn.model_validate({"items": [{"qty": 3, "weightGrams": 400, "vendorId": VENDOR}],
                                  "destination": {"country": "FR"}})
    async with uow:
        found = await queries.rates(uow=uow, settings=shipping_settings(), cmd=cmd)
    assert [(r.service_level, r.amount_minor) for r in found] == [("standard", 3000)]  # 1.2 kg: the top bracket
