"""Pure order rules: the status and payment-status machines, item-driven progress, expiry, returns."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from apps.orders import domain
from apps.orders.exceptions import IllegalTransition, InvalidReturn, NotReturnable
from apps.orders.schemas import OrderCreate, ReturnCreate

NOW = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize(("current", "target"), [
    ("unfulfilled", "processing"), ("processing", "shipped"), ("shipped", "delivered"),
    ("unfulfilled", "cancelled"), ("processing", "cancelled"), ("delivered", "returned")])
def test_legal_transitions(current, target):
    domain.check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), [
    ("unfulfilled", "shipped"), ("unfulfilled", "delivered"), ("shipped", "cancelled"), ("delivered", "cancelled"),
    ("cancelled", "processing"), ("returned", "delivered"), ("processing", "returned"), ("shipped", "processing"),
    ("processing", "processing")])
def test_illegal_transitions_are_409(current, target):
    with pytest.raises(IllegalTransition) as err:
        domain.check_transition(current, target)
    assert err.value.status == 409


def test_terminal_statuses_go_nowhere():
    for status in ("cancelled", "returned"):
        assert all(not domain.can_transition(status, t) for t in domain.STATUSES)


def test_payment_machine():
    domain.check_payment_transition("pending", "paid")
    domain.check_payment_transition("failed", "paid")
    domain.check_payment_transition("paid", "partial")
    domain.check_payment_transition("partial", "refunded")
    for current, target in (("pending", "refunded"), ("refunded", "paid"), ("paid", "pending")):
        with pytest.raises(IllegalTransition):
            domain.check_payment_transition(current, target)
    assert domain.payment_status_after_refund(total_minor=1000, refunded_minor=400) == "partial"
    assert domain.payment_status_after_refund(total_minor=1000, refunded_minor=1000) == "refunded"


def test_items_drive_the_order_forward_only():
    assert domain.order_status_after_items("processing", ["shipped", "pending"]) is None
    assert domain.order_status_after_items("processing", ["shipped", "delivered"]) == "shipped"
    assert domain.order_status_after_items("processing", ["delivered", "delivered"]) == "delivered"
    assert domain.order_status_after_items("unfulfilled", ["delivered"]) is None  # unpaid: wait for payment
    assert domain.order_status_after_items("delivered", ["delivered"]) is None
    assert domain.path_to("processing", "delivered") == ["shipped", "delivered"]
    assert domain.path_to("shipped", "shipped") == []


def test_expiry_only_for_unpaid_open_orders():
    past = NOW - timedelta(seconds=1)
    assert domain.is_expired(status="unfulfilled", payment_status="pending", expires_at=past, now=NOW)
    assert domain.is_expired(status="unfulfilled", payment_status="failed", expires_at=NOW, now=NOW)
    assert not domain.is_expired(status="unfulfilled", payment_status="pending", expires_at=NOW + timedelta(1),
                                 now=NOW)
    assert not domain.is_expired(status="processing", payment_status="paid", expires_at=past, now=NOW)


def test_returns_only_delivered_and_within_bought():
    domain.check_returnable("delivered")
    with pytest.raises(NotReturnable):
        domain.check_returnable("shipped")
    domain.check_return_qty(sku="S", qty=2, bought=3, already_returned=1)
    with pytest.raises(InvalidReturn):
        domain.check_return_qty(sku="S", qty=3, bought=3, already_returned=1)


@given(net=st.integers(0, 10**9), bought=st.integers(1, 100), data=st.data())
def test_return_amounts_add_up_to_the_line_in_any_number_of_rmas(net, bought, data):
    returned, total = 0, 0
    while returned < bought:
        qty = data.draw(st.integers(1, bought - returned))
        total += domain.return_amount(line_net_minor=net, bought=bought, returned_before=returned, qty=qty)
        returned += qty
    assert total == net


def test_order_numbers_are_prefixed_and_padded():
    assert domain.format_order_no("MKT-", 42, 8) == "MKT-00000042"


def test_order_body_needs_exactly_one_address_and_a_known_method():
    OrderCreate.model_validate({"shippingAddressId": "a", "shippingMethod": "express"})
    address = {"line1": "1 Main St", "city": "Berlin", "postalCode": "10115", "country": "de"}
    assert OrderCreate.model_validate({"shippingAddress": address}).shipping_address.country == "DE"
    for bad in ({}, {"shippingAddressId": "a", "shippingAddress": address},
                {"shippingAddressId": "a", "shippingMethod": "teleport"}, {"shippingAddressId": "a", "x": 1}):
        with pytest.raises(ValidationError):
            OrderCreate.model_validate(bad)
    with pytest.raises(ValidationError):
        ReturnCreate.model_validate({"items": [{"sku": "A", "qty": 1}, {"sku": "A", "qty": 2}], "reason": "x"})
