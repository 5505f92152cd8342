"""Orders' reactions to payments (payment.succeeded / failed / refunded) on the fake unit of work: the status
each leaves, the events each emits, and the calls to inventory and coupons. The tests in
tests/integration/test_orders_lifecycle.py show the same reactions arriving over Kafka."""
from __future__ import annotations

import pytest

from apps.orders.exceptions import InsufficientStock
from apps.orders.use_cases import reactions
from kernel.errors import ServiceUnavailable
from kernel.testing import run_use_case
from tests.fakes.orders import VENDOR_A, VENDOR_B, placed_order, world

RESERVATION = "0190a000-0000-7000-8000-000000000071"


async def _paid(uow, clients, order, amount=None, currency="USD"):
    return await run_use_case(uow, reactions.payment_succeeded, clients=clients, order_no=order.order_no,
                              payment_id="pay_1", amount_minor=order.total_minor if amount is None else amount,
                              currency=currency, at=None)


def _notes(order) -> list[str]:
    return [t.note or "" for t in order.timeline]


async def test_a_covering_payment_commits_the_stock_and_moves_the_order_to_processing():
    order = placed_order()
    uow, repo, clients = world(order)
    await _paid(uow, clients, order)

    assert (order.status, order.payment_status, order.payment_id) == ("processing", "paid", "pay_1")
    assert clients.calls.of("commit_reservation") == [{"reservation_id": RESERVATION}]
    assert uow.event_types() == ["order.payment_status_changed", "order.status_changed", "order.paid"]
    assert uow.events("order.paid")[0]["totalMinor"] == 2000
    assert repo.locked == [order.order_no]  # the row is locked before anything is decided


@pytest.mark.parametrize("amount, currency", [(1999, "USD"), (2000, "EUR")])
async def test_a_payment_that_does_not_cover_the_order_changes_nothing_but_the_timeline(amount, currency):
    order = placed_order()
    uow, _, clients = world(order)
    await _paid(uow, clients, order, amount=amount, currency=currency)

    assert (order.status, order.payment_status) == ("unfulfilled", "pending")
    assert uow.committed == [] and clients.calls.log == []
    assert "does not cover" in _notes(order)[-1]


async def test_a_second_success_for_a_paid_order_is_ignored():
    order = placed_order(status="processing", payment_status="paid")
    uow, _, clients = world(order)
    await _paid(uow, clients, order)
    assert uow.committed == [] and clients.calls.log == []


async def test_a_payment_for_an_unknown_order_is_dropped():
    uow, _, clients = world()
    assert await run_use_case(uow, reactions.payment_succeeded, clients=clients, order_no="MKT-404",
                              payment_id=None, amount_minor=1, currency="USD", at=None) is None
    assert uow.committed == []


async def test_money_for_a_cancelled_order_is_recorded_as_a_refund_due_without_committing_stock():
    order = placed_order(status="cancelled")
    uow, _, clients = world(order)
    await _paid(uow, clients, order)

    assert (order.status, order.payment_status) == ("cancelled", "paid")
    assert clients.calls.of("commit_reservation") == []
    assert uow.event_types() == ["order.payment_status_changed"]
    assert "refund due" in _notes(order)[-1]


async def test_a_payment_while_held_for_fraud_review_stops_at_paid():
    order = placed_order(fraud_hold=True)
    uow, _, clients = world(order)
    await _paid(uow, clients, order)

    assert (order.status, order.payment_status) == ("unfulfilled", "paid")
    assert clients.calls.of("commit_reservation") == []
    assert "order.paid" not in uow.event_types()


async def test_a_lapsed_reservation_is_reserved_again_and_committed():
    order = placed_order(items=[("SKU-1", VENDOR_A, 2, 1000), ("SKU-2", VENDOR_B, 1, 500)])
    uow, _, clients = world(order)
    clients.commit_status[RESERVATION] = "expired"
    await _paid(uow, clients, order)

    fresh = clients.reserved[0].id
    assert clients.calls.of("reserve") == [{"order_no": order.order_no, "lines": [("SKU-1", 2), ("SKU-2", 1)],
                                            "ttl_minutes": 5}]
    assert [c["reservation_id"] for c in clients.calls.of("commit_reservation")] == [RESERVATION, fresh]
    assert order.reservation_id == fresh and order.status == "processing"


async def test_a_lapsed_reservation_whose_stock_is_gone_leaves_a_refund_note():
    order = placed_order()
    uow, _, clients = world(order)
    clients.commit_status[RESERVATION] = "expired"
    clients.calls.fail("reserve", InsufficientStock("gone"))
    await _paid(uow, clients, order)

    assert order.reservation_id == RESERVATION
    assert any("stock is gone: refund due" in n for n in _notes(order))
    assert len(clients.calls.of("commit_reservation")) == 1


async def test_a_label_reported_before_the_payment_ships_the_order_once_it_is_paid():
    order = placed_order()
    uow, _, clients = world(order)
    await run_use_case(uow, reactions.label_created, order_no=order.order_no, vendor_id=VENDOR_A, carrier="ups",
                       tracking_no="1Z1")
    assert order.status == "unfulfilled"  # nothing moves before the money
    await _paid(uow, clients, order)

    assert order.status == "shipped"
    assert [e["to"] for e in uow.events("order.status_changed")] == ["processing", "shipped"]


async def test_a_failed_payment_gives_back_stock_and_coupon_and_waits_for_the_sweeper():
    order = placed_order(coupon_code="SAVE5")
    uow, _, clients = world(order)
    await run_use_case(uow, reactions.payment_failed, clients=clients, order_no=order.order_no,
                       reason="card_declined")

    assert clients.calls.of("release_reservation") == [{"reservation_id": RESERVATION}]
    assert clients.calls.of("release_coupon") == [{"order_no": order.order_no}]
    assert (order.status, order.payment_status) == ("unfulfilled", "failed")
    assert uow.events("order.payment_status_changed")[0]["to"] == "failed"


async def test_a_failed_payment_without_coupon_releases_only_the_reservation():
    order = placed_order()
    uow, _, clients = world(order)
    await run_use_case(uow, reactions.payment_failed, clients=clients, order_no=order.order_no, reason="x")
    assert clients.calls.names() == ["release_reservation"]


async def test_a_failure_report_for_a_paid_order_gives_nothing_back():
    order = placed_order(status="processing", payment_status="paid", coupon_code="SAVE5")
    uow, _, clients = world(order)
    await run_use_case(uow, reactions.payment_failed, clients=clients, order_no=order.order_no, reason="late")
    assert clients.calls.log == [] and uow.committed == [] and order.payment_status == "paid"


async def test_when_inventory_cannot_release_the_reaction_fails_and_commits_nothing():
    order = placed_order()
    uow, _, clients = world(order)
    clients.calls.fail("release_reservation", ServiceUnavailable("inventory down"))
    with pytest.raises(ServiceUnavailable):
        await run_use_case(uow, reactions.payment_failed, clients=clients, order_no=order.order_no, reason="x")
    assert uow.committed == [] and uow.rollbacks == 1  # the consumer retries the event later


@pytest.mark.parametrize("amount, total_refunded, full, status, refunded", [
    (500, None, False, "partial", 500),
    (500, 1500, False, "partial", 1500),  # the provider's running total wins over our sum
    (2000, None, False, "refunded", 2000),
    (100, None, True, "refunded", 100),
])
async def test_refunds_move_the_payment_status(amount, total_refunded, full, status, refunded):
    order = placed_order(status="processing", payment_status="paid")
    uow, _, _ = world(order)
    await run_use_case(uow, reactions.payment_refunded, order_no=order.order_no, amount_minor=amount,
                       total_refunded=total_refunded, full=full)
    assert (order.payment_status, order.refunded_minor) == (status, refunded)
    assert uow.events("order.payment_status_changed")[0]["refundedMinor"] == refunded


async def test_a_refund_of_an_unpaid_order_is_only_noted():
    order = placed_order()
    uow, _, _ = world(order)
    await run_use_case(uow, reactions.payment_refunded, order_no=order.order_no, amount_minor=100,
                       total_refunded=None, full=False)
    assert order.payment_status == "pending" and uow.committed == []
    assert "recorded while payment is pending" in _notes(order)[-1]
