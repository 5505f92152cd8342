"""Fraud decisions (hold, release, reject) and cancellations (admin, fraud) on the fake unit of work: what is given
back to inventory and coupons, and what is emitted."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.orders.exceptions import IllegalTransition, OrderNotFound
from apps.orders.use_cases import fraud, transitions
from kernel.clock import utcnow
from kernel.testing import run_use_case
from tests.fakes.orders import VENDOR_A, VENDOR_B, placed_order, world

RESERVATION = "0190a000-0000-7000-8000-000000000071"


async def _decide(uow, clients, order_no, decision, by="model v3"):
    return await run_use_case(uow, fraud.decided, clients=clients, order_no=order_no, decision=decision, by=by)


async def _admin(uow, clients, ref, target, text=None):
    return await run_use_case(uow, transitions.admin_set_status, clients=clients, ref=ref, target=target,
                              text=text)


async def test_review_holds_the_order_without_touching_stock_or_emitting():
    order = placed_order()
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "review")
    assert (order.fraud_hold, order.fraud_decision, order.status) == (True, "review", "unfulfilled")
    assert clients.calls.log == [] and uow.committed == []


async def test_reject_cancels_with_reason_fraud_and_gives_back_reservation_and_coupon():
    order = placed_order(coupon_code="SAVE5")
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "reject")

    assert (order.status, order.cancel_reason, order.fraud_hold) == ("cancelled", "fraud", False)
    assert clients.calls.names() == ["release_reservation", "release_coupon"]
    assert clients.calls.of("release_reservation") == [{"reservation_id": RESERVATION}]
    cancelled = uow.events("order.cancelled")
    assert [(c["reason"], c["previousStatus"]) for c in cancelled] == [("fraud", "unfulfilled")]


async def test_approving_a_held_paid_order_commits_stock_and_moves_it_on():
    order = placed_order(payment_status="paid", fraud_hold=True)
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "approve", by="risk team (ana)")

    assert (order.fraud_hold, order.status) == (False, "processing")
    assert clients.calls.of("commit_reservation") == [{"reservation_id": RESERVATION}]
    assert uow.event_types() == ["order.status_changed", "order.paid"]


async def test_approving_a_held_unpaid_order_gives_the_shopper_the_reservation_time_again():
    created = utcnow() - timedelta(minutes=30)
    order = placed_order(fraud_hold=True, created_at=created, expires_at=created + timedelta(minutes=15))
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "approve")

    assert order.fraud_hold is False
    assert order.expires_at >= utcnow() + timedelta(minutes=14)
    assert clients.calls.log == [] and uow.committed == []


async def test_approving_an_order_never_held_changes_nothing_else():
    order = placed_order(payment_status="paid", status="processing")
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "approve")
    assert order.fraud_decision == "approve" and order.timeline == [] and clients.calls.log == []


async def test_a_rejection_after_shipment_is_too_late_and_only_noted():
    order = placed_order(status="shipped", payment_status="paid")
    uow, _, clients = world(order)
    await _decide(uow, clients, order.order_no, "reject")
    assert order.status == "shipped" and clients.calls.log == [] and uow.committed == []
    assert "already shipped: nothing stopped" in order.timeline[-1].note


async def test_a_decision_for_an_unknown_order_is_dropped():
    uow, _, clients = world()
    assert await _decide(uow, clients, "MKT-00009999", "reject") is None


async def test_admin_cancel_of_a_paid_order_says_a_refund_is_owed():
    order = placed_order(status="processing", payment_status="paid")
    uow, _, clients = world(order)
    await _admin(uow, clients, order.id, "cancelled", text="customer called")

    assert order.status == "cancelled" and order.cancel_reason == "admin"
    assert "owed a refund" in order.timeline[-1].note
    assert uow.events("order.cancelled")[0]["paymentStatus"] == "paid"
    assert clients.calls.names() == ["release_reservation"]


@pytest.mark.parametrize("status, target", [("delivered", "processing"), ("cancelled", "cancelled"),
                                            ("delivered", "returned")])
async def test_admin_cannot_make_illegal_moves(status, target):
    order = placed_order(status=status, payment_status="paid")
    uow, _, clients = world(order)
    with pytest.raises(IllegalTransition):
        await _admin(uow, clients, order.order_no, target)
    assert order.status == status and clients.calls.log == [] and uow.committed == []


async def test_admin_cannot_move_a_held_order_forward_but_can_cancel_it():
    order = placed_order(payment_status="paid", fraud_hold=True)
    uow, _, clients = world(order)
    with pytest.raises(IllegalTransition):
        await _admin(uow, clients, order.order_no, "processing")
    assert clients.calls.of("commit_reservation") == []
    await _admin(uow, clients, order.order_no, "cancelled")
    assert order.status == "cancelled"


async def test_admin_processing_commits_the_stock():
    order = placed_order(payment_status="paid")
    uow, _, clients = world(order)
    await _admin(uow, clients, order.order_no, "processing")
    assert order.status == "processing" and clients.calls.names() == ["commit_reservation"]


async def test_admin_shipped_ships_every_pending_item_and_fulfils_each_vendor():
    order = placed_order(status="processing", payment_status="paid",
                         items=[("SKU-1", VENDOR_A, 1, 100), ("SKU-2", VENDOR_B, 1, 100)])
    uow, _, clients = world(order)
    await _admin(uow, clients, order.order_no, "shipped")

    assert order.status == "shipped" and {i.status for i in order.items} == {"shipped"}
    assert sorted(e["vendorId"] for e in uow.events("order.fulfilled")) == [VENDOR_A, VENDOR_B]
    assert [e["to"] for e in uow.events("order.status_changed")] == ["shipped"]  # one move, not two


async def test_admin_on_an_unknown_order_is_not_found():
    uow, _, clients = world()
    with pytest.raises(OrderNotFound):
        await _admin(uow, clients, "MKT-00000404", "cancelled")
