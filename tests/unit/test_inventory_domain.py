"""Pure inventory rules: availability, the low-stock crossing, stock changes, all-or-nothing shortfalls and the
reservation state machine."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from apps.inventory import domain
from apps.inventory.exceptions import InvalidStockChange, NegativeStock, ReservationClosed, StockBelowReserved
from apps.inventory.schemas import ReserveRequest, StockPatch
from kernel.internal import INTERNAL_TOKEN_HEADER


def test_available_is_on_hand_minus_reserved():
    assert domain.available(10, 3) == 7
    assert domain.available(5, 5) == 0


@pytest.mark.parametrize(("available", "reorder_point", "low"), [(4, 5, True), (5, 5, False), (0, 0, False)])
def test_low_means_under_the_reorder_point(available, reorder_point, low):
    assert domain.is_low(available, reorder_point) is low


def test_low_stock_fires_on_the_crossing_only():
    def crossed(before, after, rp_before=5, rp_after=5):
        return domain.crossed_into_low(before_available=before, before_reorder_point=rp_before,
                                       after_available=after, after_reorder_point=rp_after)

    assert crossed(5, 4)  # drops under
    assert crossed(10, 0)
    assert not crossed(4, 3)  # already under: no repeat
    assert not crossed(3, 8)  # recovers
    assert not crossed(8, 6)  # still above
    assert crossed(6, 6, rp_before=5, rp_after=7)  # the reorder point is raised above what is available
    assert not crossed(6, 6, rp_before=7, rp_after=8)


def test_target_on_hand_absolute_and_delta():
    assert domain.target_on_hand(on_hand=10, reserved=2, set_to=4) == 4
    assert domain.target_on_hand(on_hand=10, reserved=2, delta=-8) == 2
    assert domain.target_on_hand(on_hand=10, reserved=2, delta=5) == 15
    assert domain.target_on_hand(on_hand=10, reserved=2) == 10


def test_target_on_hand_refuses_bad_changes():
    with pytest.raises(StockBelowReserved):
        domain.target_on_hand(on_hand=10, reserved=3, set_to=2)
    with pytest.raises(StockBelowReserved):
        domain.target_on_hand(on_hand=10, reserved=3, delta=-8)
    with pytest.raises(NegativeStock):
        domain.target_on_hand(on_hand=1, reserved=0, delta=-2)
    with pytest.raises(InvalidStockChange):
        domain.target_on_hand(on_hand=1, reserved=0, set_to=-1)
    with pytest.raises(InvalidStockChange):
        domain.target_on_hand(on_hand=1, reserved=0, set_to=1, delta=1)
    with pytest.raises(InvalidStockChange):
        domain.target_on_hand(on_hand=domain.MAX_QTY, reserved=0, delta=1)


def test_merge_lines_sums_duplicates_in_sorted_order():
    assert list(domain.merge_lines([("B", 1), ("A", 2), ("B", 3)]).items()) == [("A", 2), ("B", 4)]


def test_shortfalls_are_all_or_nothing_and_list_every_short_sku():
    wanted = {"A": 2, "B": 5, "C": 1}
    assert domain.shortfalls(wanted, {"A": 2, "B": 5, "C": 9}) == []
    short = domain.shortfalls(wanted, {"A": 1, "B": 5})
    assert [(s.sku, s.requested, s.available) for s in short] == [("A", 2, 1), ("C", 1, -1)]
    assert short[1].as_error()["message"] == "unknown SKU"
    assert short[0].as_error() == {"field": "items", "sku": "A", "requested": 2, "available": 1,
                                   "message": "insufficient stock"}


def test_commit_and_release_are_idempotent_and_exclusive():
    assert domain.should_commit("active") and not domain.should_commit("committed")
    assert domain.should_release("active")
    assert not domain.should_release("released") and not domain.should_release("expired")
    for status in ("released", "expired"):
        with pytest.raises(ReservationClosed):
            domain.should_commit(status)
    with pytest.raises(ReservationClosed):
        domain.should_release("committed")


def test_stock_patch_needs_exactly_one_stock_field_and_no_negatives():
    assert StockPatch.model_validate({"onHand": 3}).on_hand == 3
    assert StockPatch.model_validate({"reorderPoint": 2}).reorder_point == 2
    for bad in ({}, {"onHand": 1, "delta": 1}, {"onHand": -1}, {"reorderPoint": -1}, {"onHand": 10**12},
                {"onHand": 1, "bogus": 1}):
        with pytest.raises(ValidationError):
            StockPatch.model_validate(bad)


def test_reserve_request_bounds():
    ok = ReserveRequest.model_validate({"reference": "order-1", "items": [{"sku": "A", "qty": 1}]})
    assert ok.ttl_minutes is None
    for bad in ({"reference": "r", "items": []}, {"reference": "r", "items": [{"sku": "A", "qty": 0}]},
                {"reference": "", "items": [{"sku": "A", "qty": 1}]},
                {"reference": "r", "items": [{"sku": "A" * 65, "qty": 1}]},
                {"reference": "r", "items": [{"sku": "A", "qty": 1}], "ttlMinutes": 0}):
        with pytest.raises(ValidationError):
            ReserveRequest.model_validate(bad)
    assert INTERNAL_TOKEN_HEADER == "X-Internal-Token"


def test_internal_token_default_refused_outside_dev(monkeypatch):
    from apps.inventory.config import InventorySettings
    from kernel.settings import CommonSettings

    monkeypatch.setenv("ENV", "prod")
    with pytest.raises(ValidationError, match="INTERNAL_API_TOKEN"):
        CommonSettings()
    monkeypatch.setenv("INTERNAL_API_TOKEN", "a-real-secret")
    try:  # other default secrets may still be refused; this one no longer is
        CommonSettings()
    except ValidationError as exc:
        assert "INTERNAL_API_TOKEN" not in str(exc)
    monkeypatch.setenv("ENV", "test")
    monkeypatch.delenv("RESERVATION_TTL_MINUTES", raising=False)
    assert InventorySettings().reservation_ttl_minutes == 15
