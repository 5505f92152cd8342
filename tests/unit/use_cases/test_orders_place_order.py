"""place_order's saga on the fake unit of work and fake clients: what it decides, what it emits, and what it undoes
when a step fails. No PostgreSQL, no Kafka: the integration tests (tests/integration/test_orders_*.py) show the
same flow against the real servers."""
from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from apps.orders import views
from apps.orders.clients import CouponResult, Quote
from apps.orders.exceptions import (CheckoutInProgress, CouponExhausted, EmptyCart, InsufficientStock, InvalidAddress,
                                    InvalidCart, VendorUnavailable)
from apps.orders.orm import VendorCommission
from apps.orders.repository import OrderRepository
from apps.orders.schemas import OrderCreate
from apps.orders.use_cases.place_order import PlaceOrder, place_order
from kernel.clock import utcnow
from kernel.errors import ServiceUnavailable, ValidationFailed
from kernel.idempotency import ClaimLost
from tests.fakes.orders import ADDRESS, USER, VENDOR_A, VENDOR_B, FakeCheckoutKeys, cart_of, line, settings, world


def _cmd(key: str = "key-1", method: str = "standard", signals: dict[str, str] | None = None,
         **address: str) -> PlaceOrder:
    body = OrderCreate.model_validate({"shippingAddress": {**ADDRESS, **address}, "shippingMethod": method})
    return PlaceOrder(user_id=USER, idempotency_key=key, cmd=body, signals=signals)


def _keys(uow) -> FakeCheckoutKeys:
    """One key store per unit of work (kept on it), so repeated places in a test share their claims."""
    if not hasattr(uow, "checkout_keys"):
        uow.checkout_keys = FakeCheckoutKeys(uow.repository(OrderRepository), uow)
    return uow.checkout_keys


async def _place(uow, clients, cmd=None, **overrides):
    clients.uow = uow  # every remote call notes whether a transaction was open (clients.in_transaction)
    return await place_order(uow=uow, keys=_keys(uow), clients=clients, settings=settings(**overrides),
                             cmd=cmd or _cmd(), answer=views.order_json)


async def test_places_the_order_reserves_sorted_lines_and_emits_order_created_once():
    uow, repo, clients = world(cart=cart_of(line("SKU-B", qty=1, price_minor=250), line("SKU-A", qty=3)))
    placed = await _place(uow, clients)

    assert placed.status_code == 201 and not placed.replayed
    assert placed.body["orderNo"] == "MKT-00000001"
    assert clients.calls.of("reserve") == [{"order_no": "MKT-00000001", "lines": [("SKU-A", 3), ("SKU-B", 1)],
                                            "ttl_minutes": 15}]
    assert uow.event_types() == ["order.created"]
    created = uow.events("order.created")[0]
    assert created["totals"] == {"subtotalMinor": 3250, "discountMinor": 0, "shippingMinor": 700, "taxMinor": 0,
                                 "totalMinor": 3950}
    assert created["reservationId"] == clients.reserved[0].id
    assert [o.order_no for o in repo.orders.values()] == ["MKT-00000001"]
    # the cart is emptied of exactly the ordered lines, after the commit
    assert clients.calls.of("checked_out") == [{"user_id": USER, "order_no": "MKT-00000001",
                                                "lines": [("SKU-A", 3), ("SKU-B", 1)]}]
    assert clients.calls.names()[-1] == "checked_out"
    assert clients.calls.of("release_reservation") == [] and clients.calls.of("release_coupon") == []


async def test_same_key_and_body_replays_the_stored_answer_without_a_second_reservation():
    uow, repo, clients = world()
    first = await _place(uow, clients)
    again = await _place(uow, clients)

    assert again.replayed and again.body == first.body and again.status_code == 201
    assert len(clients.calls.of("reserve")) == 1
    assert uow.event_types() == ["order.created"]
    assert len(repo.orders) == 1


async def test_same_key_with_another_body_is_refused_before_anything_is_reserved():
    uow, _, clients = world()
    await _place(uow, clients)
    with pytest.raises(ValidationFailed):
        await _place(uow, clients, cmd=_cmd(method="express"))
    assert len(clients.calls.of("reserve")) == 1


async def test_no_stock_releases_the_redeemed_coupon_and_leaves_nothing_behind():
    uow, repo, clients = world(cart=cart_of(line("SKU-1", qty=2), coupon_code="SAVE5"),
                               coupon=CouponResult(500, {"SKU-1": 500}))
    clients.calls.fail("reserve", InsufficientStock("Not enough stock; nothing was reserved."))
    with pytest.raises(InsufficientStock):
        await _place(uow, clients)

    assert clients.calls.of("redeem_coupon") == [{"code": "SAVE5", "user_id": USER, "order_no": "MKT-00000001",
                                                  "discount_minor": 500, "currency": "USD"}]
    assert clients.calls.of("release_coupon") == [{"order_no": "MKT-00000001"}]
    assert clients.calls.of("release_reservation") == []  # nothing was reserved
    assert uow.committed == [] and uow.commits == 0 and repo.orders == {} and repo.keys == {}
    assert clients.calls.of("checked_out") == []


async def test_a_failure_after_the_reservation_undoes_reservation_then_coupon():
    uow, repo, clients = world(cart=cart_of(line("SKU-1"), coupon_code="SAVE5"), coupon=CouponResult(100, {}))
    repo.calls.fail("remember_key", ConnectionError("database went away"))
    with pytest.raises(ConnectionError):
        await _place(uow, clients)

    reservation = clients.reserved[0].id
    undo = [name for name in clients.calls.names() if name.startswith("release")]
    assert undo == ["release_reservation", "release_coupon"]  # newest first
    assert clients.calls.of("release_reservation") == [{"reservation_id": reservation}]
    assert uow.committed == [] and repo.orders == {}
    # the key was not kept: the shopper's retry runs the checkout again instead of replaying a failure
    assert repo.keys == {}


async def test_a_failing_compensation_does_not_stop_the_others():
    uow, repo, clients = world(cart=cart_of(line("SKU-1"), coupon_code="SAVE5"), coupon=CouponResult(100, {}))
    uow_error = RuntimeError("flush failed")
    repo.calls.fail("add", uow_error)
    clients.calls.fail("release_reservation", ServiceUnavailable("inventory is down"))
    with pytest.raises(RuntimeError) as raised:
        await _place(uow, clients)
    assert raised.value is uow_error  # the original failure, not the compensation's
    assert len(clients.calls.of("release_coupon")) == 1


async def test_a_cart_that_cannot_be_emptied_still_answers_201():
    uow, repo, clients = world()
    clients.calls.fail("checked_out", ServiceUnavailable("cart is down"))
    placed = await _place(uow, clients)
    assert placed.status_code == 201 and len(repo.orders) == 1 and uow.event_types() == ["order.created"]


async def test_empty_cart_is_refused_before_any_side_effect():
    uow, _, clients = world(cart=cart_of())
    with pytest.raises(EmptyCart):
        await _place(uow, clients)
    assert clients.calls.names() == ["cart"]


async def test_items_no_longer_for_sale_are_named_and_nothing_is_reserved():
    uow, _, clients = world(cart=cart_of(line("SKU-1"), line("SKU-2", purchasable=False)))
    with pytest.raises(InvalidCart) as raised:
        await _place(uow, clients)
    assert raised.value.errors == [{"field": "items", "message": "SKU-2 is not for sale"}]
    assert clients.calls.of("reserve") == []


async def test_items_of_a_suspended_vendor_are_refused():
    uow, repo, clients = world(cart=cart_of(line("SKU-1", vendor_id=VENDOR_A), line("SKU-2", vendor_id=VENDOR_B)))
    repo.put(VendorCommission(vendor_id=VENDOR_B, status="suspended", source_occurred_at=utcnow()))
    with pytest.raises(VendorUnavailable) as raised:
        await _place(uow, clients)
    assert raised.value.errors == [{"field": "items", "message": f"vendor {VENDOR_B} is not active"}]
    assert clients.calls.of("reserve") == [] and clients.calls.of("redeem_coupon") == []


async def test_the_vendor_projection_commission_is_frozen_onto_the_split():
    uow, repo, clients = world(cart=cart_of(line("SKU-1", vendor_id=VENDOR_A, price_minor=10_000),
                                            line("SKU-2", vendor_id=VENDOR_B, price_minor=10_000)))
    repo.put(VendorCommission(vendor_id=VENDOR_A, status="active", commission_type="fixed", commission_value=300,
                              source_occurred_at=utcnow()))
    await _place(uow, clients, default_commission_bps=1500)
    splits = {s["vendorId"]: s for s in uow.events("order.created")[0]["vendorSplits"]}
    assert (splits[VENDOR_A]["commissionType"], splits[VENDOR_A]["commissionMinor"]) == ("fixed", 300)
    assert (splits[VENDOR_B]["commissionType"], splits[VENDOR_B]["commissionMinor"]) == ("percent", 1500)


async def test_a_coupon_discount_never_exceeds_the_subtotal_and_is_redeemed_for_that_amount():
    uow, _, clients = world(cart=cart_of(line("SKU-1", price_minor=800), coupon_code="BIG"),
                            coupon=CouponResult(5000, {}))
    await _place(uow, clients)
    assert uow.events("order.created")[0]["totals"]["discountMinor"] == 800
    assert clients.calls.of("redeem_coupon")[0]["discount_minor"] == 800


async def test_without_a_shipping_service_the_flat_fallback_is_charged_and_said_on_the_timeline():
    uow, repo, clients = world(quote=None)
    clients.quote_answer = None
    placed = await _place(uow, clients, shipping_fallback_minor=450)
    assert placed.body["totals"]["shippingMinor"] == 450
    assert "flat shipping fallback" in placed.body["timeline"][0]["note"]


async def test_without_a_shipping_service_and_no_fallback_checkout_is_refused():
    uow, _, clients = world()
    clients.quote_answer = None
    with pytest.raises(InvalidCart):
        await _place(uow, clients, shipping_fallback_enabled=False)
    assert clients.calls.of("reserve") == []


async def test_a_quote_in_another_currency_is_refused():
    uow, _, clients = world(quote=Quote(700, "EUR", 2))
    with pytest.raises(InvalidCart):
        await _place(uow, clients)


async def test_fraud_signals_of_the_request_travel_with_order_created():
    uow, _, clients = world()
    await _place(uow, clients, cmd=_cmd(signals={"deviceId": "dev-1", "ipCountry": "DE", "ip": "203.0.113.9"}))
    created = uow.events("order.created")[0]
    assert (created["deviceId"], created["ipCountry"], created["ip"]) == ("dev-1", "DE", "203.0.113.9")


async def test_an_address_book_entry_is_snapshotted_onto_the_order():
    uow, _, clients = world()
    clients.addresses["addr-1"] = {"id": "addr-1", "label": "home", **ADDRESS, "city": "Shelbyville"}
    body = OrderCreate.model_validate({"shippingAddressId": "addr-1"})
    placed = await _place(uow, clients, cmd=PlaceOrder(user_id=USER, idempotency_key="k", cmd=body))
    assert placed.body["shippingAddress"]["city"] == "Shelbyville"
    assert placed.body["shippingAddress"]["addressId"] == "addr-1"
    assert clients.calls.of("shipping_quote")[0]["country"] == "US"


async def test_order_numbers_come_from_the_sequence_with_the_configured_prefix():
    uow, _, clients = world()
    await _place(uow, clients, order_no_prefix="SHOP-", order_no_digits=5)
    assert uow.events("order.created")[0]["orderNo"] == "SHOP-00001"


# --- no transaction across the network (issue 12): the key first, remote calls outside any transaction ----------

async def test_the_key_is_claimed_before_any_remote_call_and_no_transaction_is_open_during_one():
    uow, repo, clients = world(cart=cart_of(line("SKU-1"), coupon_code="SAVE5"), coupon=CouponResult(100, {}))
    body = OrderCreate.model_validate({"shippingAddressId": "addr-1"})
    clients.addresses["addr-1"] = {"id": "addr-1", **ADDRESS}
    keys = _keys(uow)
    placed = await _place(uow, clients, cmd=PlaceOrder(user_id=USER, idempotency_key="k", cmd=body))

    assert placed.status_code == 201
    assert keys.calls.names() == ["claim"] and keys.claimed_while_open == [False]
    assert clients.calls.names() == ["cart", "address", "shipping_quote", "evaluate_coupon", "redeem_coupon",
                                     "reserve", "checked_out"]
    assert clients.in_transaction == []
    assert uow.commits == 1  # the order, its events and the key's answer: one transaction
    assert repo.keys[(f"orders:{USER}", "k")]["status_code"] == 201


@pytest.mark.parametrize(("step", "error"), [
    ("cart", ServiceUnavailable("cart is down")),
    ("address", InvalidAddress("No such address in your address book.")),
    ("shipping_quote", ServiceUnavailable("shipping is down")),
    ("evaluate_coupon", ServiceUnavailable("coupons is down")),
    ("redeem_coupon", CouponExhausted("no uses left")),
    ("reserve", InsufficientStock("Not enough stock; nothing was reserved.")),
])
async def test_a_failure_in_each_remote_step_compensates_and_frees_the_key(step, error):
    uow, repo, clients = world(cart=cart_of(line("SKU-1"), coupon_code="SAVE5"), coupon=CouponResult(100, {}))
    clients.addresses["addr-1"] = {"id": "addr-1", **ADDRESS}
    cmd = PlaceOrder(user_id=USER, idempotency_key="k", cmd=OrderCreate.model_validate({"shippingAddressId": "addr-1"}))
    clients.calls.fail(step, error)
    with pytest.raises(type(error)):
        await _place(uow, clients, cmd=cmd)

    redeemed = bool(clients.calls.of("redeem_coupon")) and step != "redeem_coupon"
    assert len(clients.calls.of("release_coupon")) == (1 if redeemed else 0)
    assert clients.calls.of("release_reservation") == []  # the reservation is the last remote step
    assert repo.keys == {} and repo.orders == {} and uow.committed == []
    # the key is free: the retry runs the checkout and places the order
    placed = await _place(uow, clients, cmd=cmd)
    assert placed.status_code == 201 and not placed.replayed and len(repo.orders) == 1
    assert clients.in_transaction == []


async def test_a_failed_write_releases_the_key_after_the_compensations():
    uow, repo, clients = world(cart=cart_of(line("SKU-1"), coupon_code="SAVE5"), coupon=CouponResult(100, {}))
    repo.calls.fail("add", RuntimeError("flush failed"))
    with pytest.raises(RuntimeError):
        await _place(uow, clients)
    assert [n for n in clients.calls.names() if n.startswith("release")] == ["release_reservation", "release_coupon"]
    assert _keys(uow).calls.names() == ["claim", "release"] and repo.keys == {}


async def test_a_duplicate_while_the_first_is_pending_gets_409_retryable_without_touching_anything():
    uow, repo, clients = world()
    keys = _keys(uow)
    first = await keys.claim(scope=f"orders:{USER}", key="key-1", body=_cmd().cmd.model_dump(
        mode="json", by_alias=True, exclude_none=True), stale_after=timedelta(minutes=2))
    assert first.token is not None
    with pytest.raises(CheckoutInProgress) as raised:
        await _place(uow, clients, checkout_key_wait_seconds=0.1)
    assert raised.value.status == 409 and raised.value.headers == {"Retry-After": "1"}
    assert clients.calls.names() == [] and repo.orders == {}
    assert repo.keys[(f"orders:{USER}", "key-1")]["token"] == first.token  # the first still holds the key


async def test_a_duplicate_waits_for_the_first_and_replays_its_answer():
    uow, repo, clients = world()
    cart = clients.cart

    async def slow_cart(user_id):  # the first is still placing when the second arrives
        await asyncio.sleep(0.05)
        return await cart(user_id)
    clients.cart = slow_cart
    first, second = await asyncio.gather(_place(uow, clients), _place(uow, clients))
    assert (first.replayed, second.replayed) == (False, True)
    assert len(_keys(uow).calls.of("claim")) >= 3  # the second polled the pending claim, then replayed
    assert first.body == second.body and len(repo.orders) == 1 and len(clients.calls.of("reserve")) == 1


async def test_a_duplicate_with_another_body_is_refused_even_while_pending():
    uow, _, clients = world()
    await _keys(uow).claim(scope=f"orders:{USER}", key="key-1", body={"other": True}, stale_after=timedelta(1))
    with pytest.raises(ValidationFailed):
        await _place(uow, clients)
    assert clients.calls.names() == []


async def test_a_stale_claim_is_taken_over_and_the_slow_first_can_no_longer_keep_its_order():
    uow, repo, clients = world()
    keys = _keys(uow)
    body = _cmd().cmd.model_dump(mode="json", by_alias=True, exclude_none=True)
    dead = await keys.claim(scope=f"orders:{USER}", key="key-1", body=body, stale_after=timedelta(minutes=2))
    keys.now = lambda: utcnow() + timedelta(minutes=3)  # the first request's process died long ago
    placed = await _place(uow, clients)
    assert placed.status_code == 201 and len(repo.orders) == 1
    with pytest.raises(ClaimLost):  # the dead claim's token no longer settles anything
        await repo.remember_key(scope=f"orders:{USER}", key="key-1", status_code=201, body={}, token=dead.token)
