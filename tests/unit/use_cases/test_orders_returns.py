"""Returns (RMA) on the fake unit of work: who may ask, how much comes back, and when the order is "returned"."""
from __future__ import annotations

import pytest

from apps.orders.exceptions import IllegalTransition, InvalidReturn, NotReturnable, OrderNotFound, ReturnNotFound
from apps.orders.schemas import ReturnLineIn
from apps.orders.use_cases import returns
from kernel.testing import run_use_case
from tests.fakes.orders import USER, VENDOR_A, placed_order, world

OTHER_USER = "0190a000-0000-7000-8000-000000000002"


def _delivered(**kwargs):
    order = placed_order(status="delivered", payment_status="paid",
                         items=[("SKU-1", VENDOR_A, 3, 1000), ("SKU-2", VENDOR_A, 1, 500)], **kwargs)
    for item in order.items:
        item.status = "delivered"
    order.items[0].discount_minor = 100  # the line's share of a coupon: refunds are net of it
    return order


async def _ask(uow, order, *lines, user_id=USER):
    return await run_use_case(uow, returns.request_return, user_id=user_id, order_no=order.order_no,
                              lines=[ReturnLineIn(sku=s, qty=q) for s, q in lines], reason="too small")


async def _move(uow, rma_id, target):
    return await run_use_case(uow, returns.update_return, rma_id=rma_id, target=target, text=None)


async def test_a_return_refunds_the_net_line_share_and_cumulative_returns_add_up_to_the_line():
    order = _delivered()
    uow, repo, _ = world(order)
    first, _ = await _ask(uow, order, ("SKU-1", 1))
    second, _ = await _ask(uow, order, ("SKU-1", 2))

    assert first.amount_minor + second.amount_minor == 2900  # 3 x 1000 - 100 discount, to the minor unit
    assert [e["amountMinor"] for e in uow.events("order.return_requested")] == [966, 1934]
    assert set(repo.returns) == {first.id, second.id}


async def test_units_already_asked_back_cannot_be_asked_again_unless_that_return_was_rejected():
    order = _delivered()
    uow, _, _ = world(order)
    rma, _ = await _ask(uow, order, ("SKU-1", 3))
    with pytest.raises(InvalidReturn):
        await _ask(uow, order, ("SKU-1", 1))
    await _move(uow, rma.id, "rejected")
    again, _ = await _ask(uow, order, ("SKU-1", 1))
    assert again.status == "requested"


@pytest.mark.parametrize("lines, error", [([("SKU-9", 1)], InvalidReturn), ([("SKU-2", 2)], InvalidReturn)])
async def test_unknown_skus_and_too_many_units_are_refused(lines, error):
    order = _delivered()
    uow, repo, _ = world(order)
    with pytest.raises(error):
        await _ask(uow, order, *lines)
    assert repo.returns == {} and uow.committed == []


async def test_only_the_owner_of_a_delivered_order_may_ask():
    order = _delivered()
    uow, _, _ = world(order)
    with pytest.raises(OrderNotFound):
        await _ask(uow, order, ("SKU-1", 1), user_id=OTHER_USER)
    shipped = placed_order(status="shipped", payment_status="paid", order_no="MKT-00000043")
    uow2, _, _ = world(shipped)
    with pytest.raises(NotReturnable):
        await _ask(uow2, shipped, ("SKU-1", 1))


async def test_receiving_every_unit_emits_order_returned_and_returns_the_order():
    order = _delivered()
    uow, _, _ = world(order)
    part, _ = await _ask(uow, order, ("SKU-1", 3))
    rest, _ = await _ask(uow, order, ("SKU-2", 1))
    for rma in (part, rest):
        await _move(uow, rma.id, "approved")
    await _move(uow, part.id, "received")
    assert order.status == "delivered"
    assert uow.events("order.returned")[0]["orderStatus"] == "delivered"
    await _move(uow, rest.id, "received")

    assert order.status == "returned"
    assert [e["orderStatus"] for e in uow.events("order.returned")] == ["delivered", "returned"]
    assert [i.returned_qty for i in order.items] == [3, 1]


async def test_a_return_cannot_skip_approval_and_unknown_returns_are_not_found():
    order = _delivered()
    uow, _, _ = world(order)
    rma, _ = await _ask(uow, order, ("SKU-2", 1))
    with pytest.raises(IllegalTransition):
        await _move(uow, rma.id, "received")
    with pytest.raises(ReturnNotFound):
        await _move(uow, "0190a000-0000-7000-8000-0000000000ff", "approved")
    with pytest.raises(ReturnNotFound):
        await _move(uow, "not-a-uuid", "approved")
