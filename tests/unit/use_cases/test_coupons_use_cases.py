"""Coupon use cases on the fake unit of work: creation rules, idempotent redeem with its limits, release, and
admin changes. That the row lock really serialises racing redeems only PostgreSQL can show
(tests/integration/test_coupons*.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.coupons import queries
from apps.coupons.use_cases import manage_coupons
from apps.coupons.use_cases import redeem
from apps.coupons.domain import Line
from apps.coupons.exceptions import CodeTaken, CouponExhausted, CouponNotFound, CouponNotRedeemable, InvalidCoupon
from apps.coupons.schemas import CouponCreate, CouponPatch
from kernel.clock import utcnow
from kernel.testing import run_use_case
from tests.fakes.coupons import coupon_world

ADMIN = "0190a000-0000-7000-8000-0000000000ad"
ANA = "0190a000-0000-7000-8000-0000000000a1"
BEN = "0190a000-0000-7000-8000-0000000000b1"


def _terms(**overrides):
    now = utcnow()
    return CouponCreate.model_validate({"code": "save10", "type": "percent", "value": 10,
                                        "startsAt": (now - timedelta(days=1)).isoformat(),
                                        "endsAt": (now + timedelta(days=1)).isoformat(), **overrides})


async def _create(uow, **overrides):
    return await run_use_case(uow, manage_coupons.create_coupon, cmd=_terms(**overrides), currency="USD", actor_id=ADMIN)


async def _redeem(uow, *, user=ANA, order_no="MKT-1", discount=100, code="SAVE10"):
    return await run_use_case(uow, redeem.redeem, code=code, user_id=user, order_no=order_no,
                              discount_minor=discount, currency="USD")


async def test_a_new_coupon_is_stored_upper_case_and_announced():
    uow, repo = coupon_world()
    coupon = await _create(uow)
    assert coupon.code == "SAVE10" and coupon.currency == "USD" and list(repo.coupons) == [coupon.id]
    assert uow.events("coupon.created")[0]["createdBy"] == ADMIN


async def test_a_taken_code_is_a_conflict_and_nothing_is_stored():
    uow, repo = coupon_world()
    await _create(uow)
    with pytest.raises(CodeTaken):
        await _create(uow, code="Save10")
    assert len(repo.coupons) == 1 and uow.event_types() == ["coupon.created"]


async def test_a_coupon_ending_before_it_starts_is_invalid():
    uow, repo = coupon_world()
    with pytest.raises(InvalidCoupon):
        await _create(uow, endsAt=(utcnow() - timedelta(days=2)).isoformat())
    assert repo.coupons == {}


async def test_redeem_takes_one_use_and_a_retry_for_the_same_order_takes_none():
    uow, repo = coupon_world()
    coupon = await _create(uow, usageLimit=5)
    first = await _redeem(uow)
    again = await _redeem(uow)

    assert first.created and not again.created and again.redemption is first.redemption
    assert coupon.used_count == 1 and len(repo.redemptions) == 1
    assert [e["usedCount"] for e in uow.events("coupon.redeemed")] == [1]
    assert repo.locked[:2] == ["SAVE10", "SAVE10"]  # each redeem locks the coupon row before counting


async def test_the_last_use_goes_to_one_order_only():
    uow, _ = coupon_world()
    await _create(uow, usageLimit=1)
    await _redeem(uow, order_no="MKT-1")
    with pytest.raises(CouponExhausted) as raised:
        await _redeem(uow, user=BEN, order_no="MKT-2")
    assert raised.value.errors[0]["reason"] == "usage_limit_reached"


async def test_the_per_user_limit_counts_only_live_uses():
    uow, _ = coupon_world()
    await _create(uow, perUserLimit=1)
    await _redeem(uow, order_no="MKT-1")
    with pytest.raises(CouponExhausted) as raised:
        await _redeem(uow, order_no="MKT-2")
    assert raised.value.errors[0]["reason"] == "per_user_limit_reached"
    await run_use_case(uow, redeem.release, order_no="MKT-1")
    assert (await _redeem(uow, order_no="MKT-2")).created


async def test_an_order_holding_the_use_for_someone_else_is_refused():
    uow, _ = coupon_world()
    await _create(uow)
    await _redeem(uow, user=ANA, order_no="MKT-1")
    with pytest.raises(CouponExhausted):
        await _redeem(uow, user=BEN, order_no="MKT-1")


@pytest.mark.parametrize("terms, error, reason", [
    ({"active": False}, CouponNotRedeemable, "inactive"),
    ({"startsAt": (utcnow() + timedelta(days=1)).isoformat(), "endsAt": (utcnow() + timedelta(days=2)).isoformat()},
     CouponNotRedeemable, "not_started"),
])
async def test_a_coupon_outside_its_terms_cannot_be_redeemed(terms, error, reason):
    uow, repo = coupon_world()
    coupon = await _create(uow, **terms)
    with pytest.raises(error) as raised:
        await _redeem(uow)
    assert raised.value.errors[0]["reason"] == reason and coupon.used_count == 0 and repo.redemptions == []


async def test_a_discount_above_what_the_coupon_can_give_is_refused():
    uow, _ = coupon_world()
    await _create(uow, code="FIVE", type="fixed", value=500)
    with pytest.raises(InvalidCoupon):
        await _redeem(uow, code="five", discount=501)
    assert (await _redeem(uow, code="five", discount=500)).created


async def test_unknown_codes_are_not_found_and_evaluate_says_why():
    uow, _ = coupon_world()
    with pytest.raises(CouponNotFound):
        await _redeem(uow, code="NOPE")
    async with uow:
        evaluated = await queries.evaluate(uow=uow, code="nope", user_id=ANA, currency="USD",
                                           lines=[Line(sku="A", qty=1, price_minor=1000)])
    assert (evaluated.code, evaluated.result.valid, evaluated.result.reason) == ("NOPE", False, "not_found")


async def test_evaluate_reports_the_discount_and_uses_nothing():
    uow, repo = coupon_world()
    coupon = await _create(uow)
    async with uow:
        evaluated = await queries.evaluate(uow=uow, code="save10", user_id=ANA, currency="USD",
                                           lines=[Line(sku="A", qty=2, price_minor=1500)])
    assert evaluated.result.valid and evaluated.result.discount_minor == 300
    assert coupon.used_count == 0 and repo.redemptions == []


async def test_release_gives_every_use_back_once():
    uow, repo = coupon_world()
    coupon = await _create(uow)
    await _create(uow, code="OTHER")
    await _redeem(uow, order_no="MKT-1")
    await _redeem(uow, order_no="MKT-1", code="OTHER")
    released = await run_use_case(uow, redeem.release, order_no="MKT-1")
    again = await run_use_case(uow, redeem.release, order_no="MKT-1")

    assert len(released) == 2 and again == [] and coupon.used_count == 0
    assert {r.status for r in repo.redemptions} == {"released"}
    assert len(uow.events("coupon.released")) == 2


async def test_a_limit_cannot_drop_below_the_uses_taken():
    uow, _ = coupon_world()
    coupon = await _create(uow, usageLimit=5)
    await _redeem(uow, order_no="MKT-1")
    await _redeem(uow, user=BEN, order_no="MKT-2")
    with pytest.raises(InvalidCoupon):
        await run_use_case(uow, manage_coupons.update_coupon, coupon_id=coupon.id, patch=CouponPatch(usageLimit=1),
                           actor_id=ADMIN)
    assert (uow.commits, uow.rollbacks) == (3, 1)  # create and two redeems; the refused change rolled back
    assert "coupon.updated" not in uow.event_types()


async def test_a_change_is_announced_with_its_fields_and_an_empty_patch_is_not():
    uow, _ = coupon_world()
    coupon = await _create(uow, usageLimit=5)
    await run_use_case(uow, manage_coupons.update_coupon, coupon_id=coupon.id, patch=CouponPatch(), actor_id=ADMIN)
    assert "coupon.updated" not in uow.event_types()
    await run_use_case(uow, manage_coupons.update_coupon, coupon_id=coupon.id, patch=CouponPatch(usageLimit=2),
                       actor_id=ADMIN)
    updated = uow.events("coupon.updated")
    assert [(u["changedFields"], u["usageLimit"], u["updatedBy"]) for u in updated] == [(["usageLimit"], 2, ADMIN)]
