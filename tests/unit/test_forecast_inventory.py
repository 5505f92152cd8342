"""Stock-out and reorder arithmetic, the per-SKU plan, the fallback and the dataset's pure reshaping."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from models.forecasting.dataset import daily_sales, stock_frame, with_prices
from models.forecasting.intermittent import seasonal_naive, tsb
from models.forecasting.inventory import days_to_stockout, inventory_plan, reorder
from models.forecasting.model import ForecastModel, SkuFit
from models.forecasting.intermittent import RateFit


def test_days_to_stockout_interpolates_within_the_day():
    assert days_to_stockout(np.array([2.0, 2.0, 2.0]), 5) == pytest.approx(2.5)
    assert days_to_stockout(np.array([2.0, 2.0]), 0) == 0.0


def test_days_to_stockout_extrapolates_past_the_horizon_and_none_without_demand():
    assert days_to_stockout(np.array([1.0, 1.0]), 5) == pytest.approx(5.0)
    assert days_to_stockout(np.zeros(28), 5) is None


def test_reorder_quantities_match_the_formula():
    plan = reorder(np.ones(28), stock=5, sigma=1.0, lead_days=4, lead_std=0.0, service_level=0.95,
                   review_days=7)
    ss = 1.6448536 * 2.0  # z(95%) * sigma * sqrt(lead)
    assert plan["safety_stock"] == pytest.approx(ss, rel=1e-6)
    assert plan["reorder_point"] == pytest.approx(4 + ss, rel=1e-6)
    assert plan["order_up_to"] == pytest.approx(11 + ss, rel=1e-6)
    assert plan["reorder_qty"] == math.ceil(11 + ss - 5)


def test_lead_time_spread_raises_safety_stock():
    steady = reorder(np.ones(28), stock=0, sigma=1.0, lead_days=4, lead_std=0.0, service_level=0.95, review_days=7)
    shaky = reorder(np.ones(28), stock=0, sigma=1.0, lead_days=4, lead_std=2.0, service_level=0.95, review_days=7)
    assert shaky["safety_stock"] > steady["safety_stock"]


def test_plan_covers_model_and_stock_skus_with_zero_demand_as_never():
    day = pd.Timestamp("2025-03-01")
    model = ForecastModel({"a": SkuFit("a", "tsb", day, 60, RateFit(2.0, 1.0)),
                           "z": SkuFit("z", "tsb", day, 60, RateFit(0.0, 0.0)),
                           "slow": SkuFit("slow", "tsb", day, 60, RateFit(1e-12, 1e-6))}, np.ones(7), {})
    stock = pd.DataFrame({"sku": ["a", "z", "unsold", "slow"], "current_stock": [10, 3, 4, 9],
                          "lead_time_days": [3.0] * 4, "lead_time_std": [0.0] * 4})
    plan = inventory_plan(model, stock, horizon_days=14).set_index("sku")
    assert plan.loc["a", "days_to_stockout"] == pytest.approx(5.0)
    assert plan.loc["a", "stockout_date"] == day + pd.Timedelta(days=6)
    assert np.isnan(plan.loc["z", "days_to_stockout"]) and plan.loc["z", "reorder_qty"] == 0
    assert plan.loc["unsold", "method"] == "none" and plan.loc["unsold", "forecast_units"] == 0
    assert plan.loc["slow", "days_to_stockout"] > 1e9 and pd.isna(plan.loc["slow", "stockout_date"])


def test_tsb_rate_and_empty_series():
    assert tsb(np.zeros(30)).rate == 0.0
    fit = tsb(np.tile([0.0, 2.0], 50))
    assert fit.rate == pytest.approx(1.0, rel=0.1) and fit.sigma > 0


def test_seasonal_naive_repeats_last_week_and_pads_short_history():
    assert list(seasonal_naive(np.arange(14.0), 9)) == [7, 8, 9, 10, 11, 12, 13, 7, 8]
    assert list(seasonal_naive(np.array([5.0]), 7)) == [0, 0, 0, 0, 0, 0, 5]


def test_daily_sales_zero_fill_from_listing_but_not_before_recorded_history():
    units = pd.DataFrame({"sku": ["a", "b"], "ds": ["2025-01-05", "2025-01-03"], "y": [2.0, 1.0]})
    listed = pd.DataFrame({"sku": ["a", "b"], "listed": [pd.Timestamp("2025-01-04"), pd.Timestamp("2024-12-01")]})
    out = daily_sales(units, listed, pd.Timestamp("2020-01-01"), pd.Timestamp("2025-01-08"))
    days = out.groupby("sku")["ds"].agg(["min", "max", "count"])
    assert days.loc["a", "min"] == pd.Timestamp("2025-01-04") and days.loc["a", "count"] == 4
    assert days.loc["b", "min"] == pd.Timestamp("2025-01-03")  # listed earlier, but no orders recorded before
    assert out["y"].sum() == 3.0 and (days["max"] == pd.Timestamp("2025-01-07")).all()


def test_prices_forward_fill_and_promo_from_compare_at():
    sales = pd.DataFrame({"sku": "a", "ds": pd.date_range("2025-01-01", periods=4), "y": 0.0})
    prices = pd.DataFrame({"sku": ["a", "a", "a"], "compare_at": [0, 1000, 0], "price": [1000, 800, 1000],
                           "at": pd.to_datetime(["2024-12-01 00:00", "2025-01-02 00:05", "2025-01-04 00:05"], utc=True)})
    out = with_prices(sales, prices)
    assert list(out["price"]) == [1000, 800, 800, 1000] and list(out["promo"]) == [0, 1, 1, 0]


def test_stock_frame_nets_reservations_and_uses_vendor_median_lead():
    stock = pd.DataFrame({"sku": ["a"], "snapshot": [10], "reserved_after": [4], "released_after": [1]})
    leads = pd.DataFrame({"sku": ["a", "a", "a"], "vendor_id": ["v"] * 3, "lead_days": [5, 6, 12]})
    vendors = pd.DataFrame({"sku": ["a", "b"], "vendor_id": ["v", "w"]})
    out = stock_frame(stock, leads, vendors, 7.0).set_index("sku")
    assert out.loc["a", "current_stock"] == 7 and out.loc["a", "lead_time_days"] == 6.0
    assert out.loc["b", "lead_time_days"] == 7.0 and not out.loc["b", "lead_time_observed"]
