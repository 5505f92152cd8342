"""The unpaid-order sweeper on fakes: which orders expire, what each cancellation gives back, and that one order
whose stock cannot be released does not stop the others. SKIP LOCKED between sweepers is PostgreSQL's to show
(tests/integration/test_orders_lifecycle.py)."""
from __future__ import annotations

from datetime import timedelta

from apps.orders.sweeper import sweep_once
from kernel.clock import utcnow
from kernel.errors import ServiceUnavailable
from tests.fakes.orders import placed_order, world


def _due(order_no: str, minutes_ago: int, **kwargs):
    created = utcnow() - timedelta(minutes=minutes_ago + 15)
    return placed_order(order_no=order_no, created_at=created, expires_at=created + timedelta(minutes=15), **kwargs)


async def test_overdue_unpaid_orders_are_cancelled_oldest_first_and_give_back_stock_and_coupon():
    old, older = _due("MKT-1", 5, coupon_code="SAVE5"), _due("MKT-2", 30)
    fresh = placed_order(order_no="MKT-3")  # its reservation still runs
    paid = _due("MKT-4", 30, payment_status="paid", status="processing")
    held = _due("MKT-5", 30, fraud_hold=True)  # the shopper cannot pay while the risk team decides
    failed = _due("MKT-6", 1, payment_status="failed")
    uow, _, clients = world(old, older, fresh, paid, held, failed)

    assert await sweep_once(units=lambda: uow, clients=clients) == 3
    assert [o.status for o in (old, older, fresh, paid, held, failed)] == [
        "cancelled", "cancelled", "unfulfilled", "processing", "unfulfilled", "cancelled"]
    assert [(e["orderNo"], e["reason"]) for e in uow.events("order.cancelled")] == [
        ("MKT-2", "expired"), ("MKT-1", "expired"), ("MKT-6", "expired")]
    assert clients.calls.of("release_coupon") == [{"order_no": "MKT-1"}]
    assert len(clients.calls.of("release_reservation")) == 3


async def test_an_order_whose_stock_cannot_be_released_waits_for_the_next_pass_and_the_others_go_on():
    stuck, other = _due("MKT-1", 30), _due("MKT-2", 10)
    uow, _, clients = world(stuck, other)
    clients.calls.fail("release_reservation", ServiceUnavailable("inventory down"))

    assert await sweep_once(units=lambda: uow, clients=clients) == 1
    assert (stuck.status, other.status) == ("unfulfilled", "cancelled")
    assert [e["orderNo"] for e in uow.events("order.cancelled")] == ["MKT-2"]
    assert await sweep_once(units=lambda: uow, clients=clients) == 1  # inventory is back: the next tick
    assert stuck.status == "cancelled"


async def test_the_batch_size_bounds_one_pass():
    orders = [_due(f"MKT-{i}", 10 + i) for i in range(5)]
    uow, _, clients = world(*orders)
    assert await sweep_once(units=lambda: uow, clients=clients, batch_size=2) == 2
    assert sum(o.status == "cancelled" for o in orders) == 2
