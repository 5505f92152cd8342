"""models.pricing.dataset.assemble: the warehouse query results turned into the daily training frame."""
from __future__ import annotations

import pandas as pd
import pytest

from models.base import EmptyTrainingData
from models.pricing.dataset import assemble


def ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


LISTINGS = pd.DataFrame({"sku": ["a"], "category_id": ["c1"], "approved_at": [ts("2026-01-01 09:00")]})
PRICES = pd.DataFrame({"sku": ["a", "a", "a"], "at": [ts("2026-01-01 08:00"), ts("2026-01-03 00:05"),
                                                      ts("2026-01-05 00:05")],
                       "price_minor": [1000, 800, 1000], "compare_at_minor": pd.array([None, 1000, None], "Int64")})
UNITS = pd.DataFrame({"sku": ["a", "a"], "ds": [pd.Timestamp("2026-01-01").date(), pd.Timestamp("2026-01-03").date()],
                      "units": [2, 3], "paid_minor": [2000, 2400]})
MOVES = pd.DataFrame({"sku": ["a"] * 4, "kind": ["adjusted", "reserved", "low_stock", "adjusted"],
                      "at": [ts("2026-01-01 09:20"), ts("2026-01-03 12:00"), ts("2026-01-03 12:00"),
                             ts("2026-01-05 07:00")], "qty": [3, 3, 0, 5],
                      "available": pd.array([3, None, 0, 5], "Int64")})


def test_every_listed_day_with_price_promo_and_zero_sales():
    frame = assemble(LISTINGS, PRICES, UNITS, MOVES, until="2026-01-06").set_index("ds")
    assert list(frame.index.strftime("%m-%d")) == ["01-01", "01-02", "01-03", "01-04", "01-05"]
    assert list(frame["units"]) == [2, 0, 3, 0, 0]
    assert list(frame["price_minor"]) == [1000, 1000, 800, 800, 1000]
    assert list(frame["promo"]) == [0, 0, 1, 1, 0]
    assert frame["category_id"].eq("c1").all() and frame["cost_minor"].isna().all()


def test_days_that_ran_out_of_stock_are_flagged_until_the_restock():
    frame = assemble(LISTINGS, PRICES, UNITS, MOVES, until="2026-01-06")
    # out during the 3rd, empty all of the 4th, restocked at dawn on the 5th (empty at its start: censored)
    assert list(frame["stockout"]) == [0, 0, 1, 1, 1]


def test_an_empty_window_says_what_is_missing():
    with pytest.raises(EmptyTrainingData, match="no SKU was on sale"):
        assemble(LISTINGS, PRICES, UNITS, MOVES, since="2025-01-01", until="2025-02-01")
    with pytest.raises(EmptyTrainingData, match="no listed SKUs"):
        assemble(LISTINGS.iloc[0:0], PRICES, UNITS, MOVES)
