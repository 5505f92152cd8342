"""models.pricing.fit on synthetic sales with planted elasticities, where promotions land in each category's high
season (so price and demand move together for reasons other than price) and carry a visibility lift."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import models.pricing as pricing
from models.base import EmptyTrainingData
from models.pricing.baseline import NaiveLogLog
from models.pricing.task import TASK

PLANTED = {"audio": -2.2, "books": -0.8, "shoes": -1.5}


def synth(skus_per_cat: int = 25, days: int = 300, rate: float = 1.5, seed: int = 1,
          planted: dict[str, float] = PLANTED, flat: tuple[str, ...] = ()) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2025-01-01", periods=days, freq="D")
    doy, dow, t = ds.dayofyear.to_numpy(), ds.dayofweek.to_numpy(), np.arange(days)
    frames = []
    for c, (cat, elasticity) in enumerate(planted.items()):
        season = 1 + 0.5 * np.cos(2 * np.pi * (doy - 60 * (c + 1)) / 365.25)
        for s in range(skus_per_cat):
            ref = int(rng.integers(10, 200)) * 100 - 1
            factor = np.ones(days)
            if cat not in flat:
                factor[int(rng.integers(30, days - 30)):] *= rng.uniform(0.85, 1.15)
            promo = np.zeros(days, dtype=int)
            high = np.flatnonzero(season > 1.3)
            if cat not in flat and len(high):
                for peak in rng.choice(high, 3):
                    promo[peak:peak + 7] = 1  # promotions in the high season: the confounder
            off = np.where(promo == 1, rng.choice([0.1, 0.2, 0.3]), 0.0)
            price = np.maximum(99, np.round(ref * factor * (1 - off) / 100) * 100 - 1).astype(np.int64)
            mean = (rate * rng.lognormal(0, 0.5) * season * (1 + 0.25 * (dow >= 5)) * np.exp(0.3 * t / 365)
                    * np.where(promo == 1, 1.4, 1.0) * (price / ref) ** elasticity)
            frames.append(pd.DataFrame({
                "sku": f"{cat}-{s}", "category_id": cat, "ds": ds, "units": rng.poisson(mean), "price_minor": price,
                "promo": promo, "compare_at_minor": pd.array(np.where(promo == 1, np.round(ref * factor), np.nan)
                                                              .round(), dtype="Int64")}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return synth()


@pytest.fixture(scope="module")
def model(data):
    return pricing.fit(data)


def test_fit_exposes_category_and_sku_elasticities(model, data):
    assert set(model.category_elasticity) == set(PLANTED)
    table = model.elasticities
    assert {"sku", "category_id", "elasticity", "se", "confidence", "units", "price_points"} <= set(table.columns)
    assert set(table["sku"]) == set(data["sku"])
    assert table["confidence"].between(0, 1).all() and (table["se"] > 0).all()


def test_recovers_planted_category_elasticities(model):
    for cat, truth in PLANTED.items():
        assert model.category_elasticity[cat] == pytest.approx(truth, rel=0.15), cat


def test_controls_matter_on_confounded_data(model, data):
    def mare(estimates):
        return np.mean([abs(estimates[c] / PLANTED[c] - 1) for c in PLANTED])
    naive = NaiveLogLog.fit(data).category_elasticity
    without = pricing.fit(data, {"controls": False}).category_elasticity
    assert mare(model.category_elasticity) < 0.15
    assert mare(without) > 2 * mare(model.category_elasticity)
    assert mare(naive) > 2 * mare(model.category_elasticity)


def test_less_data_means_wider_errors_and_lower_confidence(model, data):
    small = pricing.fit(data[data["sku"].str.endswith(("-0", "-1", "-2")) & (data["ds"] < "2025-06-01")])
    big_se = model.categories.set_index("category_id")["se"]
    small_se = small.categories.set_index("category_id")["se"]
    assert (small_se > big_se).all()
    assert small.elasticities["confidence"].median() < model.elasticities["confidence"].median()


def test_pickles_with_the_standard_module(model, data):
    back = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(back.suggest(), model.suggest())
    sample = data.sample(200, random_state=0)
    np.testing.assert_allclose(back.predict_units(sample), model.predict_units(sample))


def test_predictions_follow_price_and_keep_row_order(model, data):
    rows = data[data["sku"] == "audio-3"].tail(5).copy()
    base = model.predict_units(rows)
    dearer = model.predict_units(rows.assign(price_minor=rows["price_minor"] * 2))
    np.testing.assert_allclose(dearer / base, 2.0 ** model.elasticities.set_index("sku").loc["audio-3", "elasticity"])
    np.testing.assert_allclose(model.predict_units(rows.iloc[::-1]), base[::-1])


def test_empty_window_says_so():
    with pytest.raises(EmptyTrainingData, match="no SKU-day rows"):
        pricing.fit(synth().iloc[0:0])
    with pytest.raises(EmptyTrainingData, match="sold a single unit"):
        pricing.fit(synth(skus_per_cat=2, days=80).assign(units=0))


def test_category_without_price_variation_falls_back_to_the_pooled_prior():
    model = pricing.fit(synth(flat=("books",)))
    cats = model.categories.set_index("category_id")
    assert bool(cats.loc["books", "pooled"]) and not cats.loc[["audio", "shoes"], "pooled"].any()
    assert cats.loc["books", "elasticity"] == pytest.approx(model.diagnostics["prior_elasticity"])
    assert cats.loc["books", "se"] > cats.loc[["audio", "shoes"], "se"].max()
    conf = model.suggest().assign(cat=lambda f: f["sku"].str.split("-").str[0]).groupby("cat")["confidence"].median()
    assert conf["books"] < min(conf["audio"], conf["shoes"])


def test_task_split_evaluate_and_score(data):
    split = TASK.split(data, {"holdout_days": 28, "truth_elasticities": PLANTED})
    assert split.train["ds"].max() < split.holdout["ds"].min()
    assert split.holdout["ds"].nunique() == 28
    model = TASK.fit(split.train, {})
    ev = TASK.evaluate(model, split, {})
    assert ev.metric == "elasticity_mare" and not ev.greater_is_better and ev.beats_baseline
    assert TASK.score(model, split) == pytest.approx(ev.value)
    assert ev.metrics["holdout_wape"] < ev.metrics["baseline_holdout_wape"]
    out = TASK.python_model().predict_frame(model, TASK.input_example(model, split))
    assert len(out) == 5 and out["suggested_price_minor"].dtype == np.int64
