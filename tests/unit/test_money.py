from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kernel.money import Money


def test_decimal_round_trip_and_exponents():
    assert Money.from_decimal("19.99").amount_minor == 1999
    assert Money.from_decimal("1000", "JPY").amount_minor == 1000
    assert Money.from_decimal("1.2345", "KWD").amount_minor == 1234  # banker's rounding at 3 decimals
    assert Money(1999).to_decimal() == Decimal("19.99")


def test_floats_and_bad_currency_refused():
    with pytest.raises(TypeError):
        Money(19.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(19.99)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(100, "usd")
    with pytest.raises(ValueError):
        Money(1, "USD") + Money(1, "EUR")


def test_percent_uses_bankers_rounding():
    assert Money(250).percent("10").amount_minor == 25
    assert Money(25).percent("10").amount_minor == 2  # 2.5 → 2 (half to even)
    assert Money(35).percent("10").amount_minor == 4  # 3.5 → 4


@given(st.integers(min_value=0, max_value=10**12), st.lists(st.integers(min_value=0, max_value=1000), min_size=1,
                                                             max_size=12).filter(lambda w: sum(w) > 0))
def test_allocate_never_loses_or_creates_a_cent(amount, weights):
    parts = Money(amount).allocate(weights)
    assert sum(p.amount_minor for p in parts) == amount
    assert all(p.amount_minor >= 0 for p in parts)
    for w, p in zip(weights, parts):
        exact = amount * w / sum(weights)
        assert abs(p.amount_minor - exact) < 1 + 1e-9


def test_allocate_splits_evenly_when_every_weight_is_zero_and_refuses_negative_weights():
    from kernel.money import allocate

    assert allocate(10, [0, 0, 0]) == [4, 3, 3]
    assert allocate(0, [5, 0]) == [0, 0]
    assert allocate(7, []) == []
    with pytest.raises(ValueError):
        allocate(5, [3, -1])
