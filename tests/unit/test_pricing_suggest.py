"""Bounded price suggestions: every bound holds whatever the elasticity says, money stays integer minor units."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.pricing.suggest import bounds, confidence, suggest_prices


def one(elasticity: float, price: int = 10_000, **extra) -> pd.Series:
    frame = pd.DataFrame([{"sku": "s", "price_minor": price, **extra}])
    return suggest_prices(frame, np.array([elasticity]), np.array([0.1]), max_change=0.1, min_margin=0.2).iloc[0]


def test_elastic_demand_without_cost_cuts_price_to_the_max_change_bound():
    row = one(-2.5)
    assert row["suggested_price_minor"] == 9_099 and row["binding"] == "max_change"
    assert row["objective"] == "revenue" and row["expected_gain_pct"] > 0


def test_inelastic_demand_raises_price_but_never_above_compare_at():
    assert one(-0.5)["suggested_price_minor"] == 10_999
    capped = one(-0.5, compare_at_minor=10_500)
    assert capped["suggested_price_minor"] <= 10_500 and capped["binding"] == "compare_at"


def test_never_below_cost_plus_minimum_margin():
    row = one(-3.0, cost_minor=8_000)  # floor 9 600, above the -10 % bound of 9 000
    assert row["suggested_price_minor"] >= 9_600 and row["min_price_minor"] == 9_600
    assert row["objective"] == "profit"


def test_profit_optimum_inside_the_bounds_is_found():
    # elasticity -3, cost 7 000: unconstrained optimum 7 000 * 3 / 2 = 10 500, inside ±10 %
    row = one(-3.0, cost_minor=7_000)
    assert abs(row["suggested_price_minor"] - 10_500) <= 100 and row["binding"] == "interior"


def test_conflicting_bounds_keep_the_current_price_and_say_so():
    row = one(-2.0, cost_minor=9_500, compare_at_minor=11_000, price=10_000)  # floor 11 400 > compare-at 11 000
    assert row["binding"] == "infeasible" and row["suggested_price_minor"] == 10_000


def test_a_running_promotion_moves_from_the_regular_price():
    row = one(-0.5, price=8_000, promo=1, compare_at_minor=10_000)
    assert row["current_price_minor"] == 10_000


@pytest.mark.parametrize("elasticity", [-4.0, -1.2, -0.3, 0.5])
def test_all_bounds_hold_on_random_skus(elasticity):
    rng = np.random.default_rng(3)
    n = 200
    price = rng.integers(500, 50_000, n)
    frame = pd.DataFrame({"sku": [f"s{i}" for i in range(n)], "price_minor": price,
                          "cost_minor": pd.array(np.where(rng.random(n) < 0.5, price * rng.uniform(0.3, 0.9, n), np.nan)
                                                 .round(), dtype="Int64"),
                          "compare_at_minor": pd.array(np.where(rng.random(n) < 0.5, price * rng.uniform(1, 1.3, n),
                                                                np.nan).round(), dtype="Int64")})
    out = suggest_prices(frame, np.full(n, elasticity), np.full(n, 0.2), max_change=0.1, min_margin=0.1)
    ok = out["binding"] != "infeasible"
    p, p0 = out["suggested_price_minor"], out["current_price_minor"]
    assert out["suggested_price_minor"].dtype == np.int64
    assert (p[ok] >= np.ceil(p0[ok] * 0.9)).all() and (p[ok] <= np.floor(p0[ok] * 1.1)).all()
    cost, cap = frame["cost_minor"], frame["compare_at_minor"]
    assert (p[ok & cost.notna()] >= np.ceil(cost[ok & cost.notna()].astype(float) * 1.1)).all()
    assert (p[ok & cap.notna()] <= cap[ok & cap.notna()].astype(float)).all()


def test_bounds_report_what_binds():
    assert bounds(10_000, None, None, 0.1, 0.1) == (9_000, 11_000, "max_change", "max_change")
    assert bounds(10_000, 9_000, 10_200, 0.1, 0.1)[1:] == (10_200, "margin", "compare_at")


def test_confidence_falls_as_the_standard_error_grows():
    c = confidence(np.array([-1.5, -1.5, -1.5]), np.array([0.05, 0.3, 1.5]))
    assert c[0] > c[1] > c[2] and c[0] > 0.99 and c[2] < 0.2
