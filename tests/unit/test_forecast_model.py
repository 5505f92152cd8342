"""Forecasting model contract on synthetic series with a planted weekly pattern (no IO)."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from models.base import EmptyTrainingData
from models.forecasting import train
from models.forecasting.evaluate import fold_errors
from models.forecasting.train import choose_method, DEFAULT_PARAMS

WEEKLY = np.array([0.7, 0.8, 0.9, 1.0, 1.1, 1.6, 0.9])  # Monday..Sunday, planted
START = pd.Timestamp("2025-01-06")  # a Monday


def planted(sku: str, days: int, level: float, seed: int, start: pd.Timestamp = START) -> pd.DataFrame:
    ds = pd.date_range(start, periods=days, freq="D")
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sku": sku, "ds": ds, "y": rng.poisson(level * WEEKLY[ds.dayofweek]).astype(float)})


@pytest.fixture(scope="module")
def fitted():
    sales = pd.concat([planted("dense", 140, 12.0, 1),
                       pd.DataFrame({"sku": "short", "ds": pd.date_range("2025-05-23", periods=3), "y": [1, 0, 2]}),
                       planted("zero", 140, 0.0, 2)], ignore_index=True)
    return sales, train(sales, {"n_jobs": 1})


def test_predict_contract_dates_and_non_negative(fitted):
    sales, model = fitted
    out = model.predict(10)
    assert list(out.columns) == ["sku", "ds", "yhat", "yhat_lower", "yhat_upper"]
    for sku, one in out.groupby("sku"):
        last = sales.loc[sales["sku"] == sku, "ds"].max()
        assert list(one["ds"]) == list(pd.date_range(last + pd.Timedelta(days=1), periods=10))
    assert (out["yhat"] >= 0).all()
    assert (out["yhat_lower"] <= out["yhat"] + 1e-9).all() and (out["yhat"] <= out["yhat_upper"] + 1e-9).all()


def test_rule_sends_dense_to_prophet_and_short_or_zero_to_fallback(fitted):
    _, model = fitted
    assert {s: f.method for s, f in model.skus.items()} == {"dense": "prophet", "short": "tsb", "zero": "tsb"}


def test_all_zero_sku_forecasts_zero_and_short_sku_forecasts_its_rate(fitted):
    _, model = fitted
    out = model.predict(28).groupby("sku")["yhat"]
    assert out.sum()["zero"] == 0.0
    assert 0.3 < out.mean()["short"] < 2.0  # 3 units over 3 days, reshaped by the pooled weekly profile


def test_prophet_learns_the_planted_weekly_shape(fitted):
    _, model = fitted
    out = model.predict(14, skus=["dense"])
    by_day = out.groupby(out["ds"].dt.dayofweek)["yhat"].mean()
    assert by_day.idxmax() == 5 and by_day.idxmin() == 0  # Saturday peak, Monday trough as planted


def test_pickle_round_trip_predicts_the_same(fitted):
    _, model = fitted
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(again.predict(7), model.predict(7))


def test_beats_weekly_seasonal_naive_on_held_out_planted_data():
    history = pd.concat([planted(f"s{i}", 168, 8.0 + 4 * i, 10 + i) for i in range(2)], ignore_index=True)
    cut = history["ds"].max() - pd.Timedelta(days=27)
    model = train(history[history["ds"] < cut], {"n_jobs": 1})
    errors = fold_errors(model, history, cut, ["s0", "s1"], 28)
    assert len(errors) == 2
    assert (errors["mase"] < errors["baseline_mase"]).all()
    assert (errors["mase"] < 1).all()


def test_empty_sales_raise_a_clear_error():
    with pytest.raises(EmptyTrainingData, match="no sales"):
        train(pd.DataFrame(columns=["sku", "ds", "y"]))


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="missing \\['y'\\]"):
        train(pd.DataFrame({"sku": ["a"], "ds": ["2025-01-01"]}))


def test_choose_method_rule_thresholds():
    params = dict(DEFAULT_PARAMS)
    dense = planted("d", params["min_history_days"], 10.0, 3)
    assert choose_method(dense, params) == "prophet"
    assert choose_method(dense.iloc[1:], params) == "tsb"  # one day short of the minimum
    sparse = dense.assign(y=np.where(np.arange(len(dense)) % 3 == 0, 1.0, 0.0))  # two thirds zero days
    assert choose_method(sparse, params) == "tsb"
