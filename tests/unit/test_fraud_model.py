"""models.fraud.train on synthetic orders with planted fraud: the public contract, calibration, reasons,
thresholds, pickling, bad input, and the model beating the hand-written rules it also learns from."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from models.fraud import RulesModel, train
from models.fraud.evaluate import metrics

N = 5000


def planted(n: int = N, seed: int = 0, fraud_share: float = 0.04) -> pd.DataFrame:
    """Orders over 60 days with fraud planted the way the simulator and real fraud leave it: fraud raises
    velocity, shared devices/cards and foreign cards on new accounts — but only some of them, in combinations,
    so no single rule catches it all, while genuine shoppers sometimes trip a rule too."""
    rng = np.random.default_rng(seed)
    fraud = rng.random(n) < fraud_share
    kind = rng.integers(0, 3, n)  # which signal a fraudulent order leaves strongest
    pois = rng.poisson
    frame = pd.DataFrame({
        "order_no": [f"O-{i:06d}" for i in range(n)],
        "user_id": [f"u{rng.integers(0, n // 3)}" for _ in range(n)],
        "event_timestamp": pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.random(n)) * 60,
                                                                                  unit="D"),
        "user_orders_1h": 1 + pois(0.05, n) + np.where(fraud & (kind == 0), pois(1.5, n), 0),
        "device_distinct_users_24h": 1 + pois(0.05, n) + np.where(fraud & (kind == 1), pois(2.0, n), 0),
        "card_other_accounts_24h": pois(0.01, n) + np.where(fraud & (kind == 1), pois(0.8, n), 0),
        "account_age_hours": np.where(fraud & (kind == 2), rng.exponential(6, n), rng.exponential(24 * 200, n)),
        "card_country_mismatch": (rng.random(n) < np.where(fraud, np.where(kind == 2, 0.9, 0.2), 0.01)).astype(int),
        "order_total_minor": rng.lognormal(np.where(fraud, 10.5, 8.5), 0.7).round(),
        "lifetime_orders": np.where(fraud, pois(0.2, n), pois(4, n)),
        "noise": rng.normal(size=n),
    })
    frame["is_fraud"] = fraud
    return frame


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = planted()
    return frame.iloc[: int(N * 0.7)], frame.iloc[int(N * 0.7):]


@pytest.fixture(scope="module")
def model(data):
    return train(data[0], params={"num_boost_round": 120})


def test_score_returns_score_decision_reasons_in_input_order(model, data):
    holdout = data[1].sample(frac=1.0, random_state=1)  # shuffled: the output must follow the input's index
    scored = model.score(holdout)
    assert list(scored.index) == list(holdout.index)
    assert {"score", "decision", "reasons"} <= set(scored.columns)
    assert scored["score"].between(0, 1).all()
    assert set(scored["decision"]) <= {"approve", "review", "reject"}


def test_model_beats_the_rules_on_planted_fraud(model, data):
    holdout = data[1]
    y = holdout["is_fraud"].to_numpy()
    ours = metrics(y, model.score(holdout)["score"].to_numpy())
    rules = metrics(y, RulesModel().score(holdout)["score"].to_numpy())
    assert ours["roc_auc"] > 0.9
    assert ours["pr_auc"] > rules["pr_auc"] and ours["roc_auc"] > rules["roc_auc"]


def test_fraud_scores_higher_than_genuine_orders(model, data):
    scored = model.score(data[1])["score"]
    fraud = data[1]["is_fraud"].to_numpy()
    assert scored[fraud].median() > 10 * scored[~fraud].median()


def test_calibrated_scores_match_the_observed_fraud_rate(model, data):
    """Calibration, judged on later orders: the mean score is near the fraud rate, and the riskiest decile holds
    far more fraud than the rest."""
    holdout = data[1]
    score = model.score(holdout)["score"].to_numpy()
    y = holdout["is_fraud"].to_numpy()
    assert abs(score.mean() - y.mean()) < 0.02
    top = score >= np.quantile(score, 0.9)
    assert y[top].mean() > 5 * y[~top].mean()


def test_calibration_is_monotone_in_the_raw_score(model):
    raw = np.linspace(0.0, 1.0, 201)
    calibrated = model.calibrator(raw)
    assert np.all(np.diff(calibrated) >= 0) and calibrated.min() >= 0 and calibrated.max() <= 1
    assert calibrated[-1] > calibrated[0]


def test_reasons_are_sentences_about_the_planted_signals(model, data):
    holdout = data[1]
    scored = model.score(holdout)
    flagged = scored[holdout["is_fraud"].to_numpy() & (scored["decision"] != "approve").to_numpy()]
    assert len(flagged) > 10
    for text in flagged["reasons"]:
        assert text and "_" not in text  # words, not column names
    joined = " ".join(flagged["reasons"])
    assert "account created" in joined and "card" in joined
    assert "noise" not in joined  # a column unrelated to fraud never explains a flagged order


def test_a_velocity_burst_is_explained_by_its_velocity(model, data):
    """A year-old account with a domestic card: six orders within the hour is what makes it suspicious."""
    order = data[1][~data[1]["is_fraud"]].head(1).copy()
    order[["user_orders_1h", "account_age_hours", "card_country_mismatch", "lifetime_orders"]] = [6, 9000, 0, 4]
    calm = order.assign(user_orders_1h=1)
    scored, before = model.score(order).iloc[0], model.score(calm).iloc[0]
    assert scored["score"] > before["score"]
    assert ("6 orders from this account in the last hour" in scored["reasons"]
            or "3 or more orders from one account within an hour" in scored["reasons"])
    assert "orders" not in before["reasons"]


def test_thresholds_are_ordered_and_meet_their_validation_targets(model):
    t = model.thresholds
    assert 0 <= t.review <= t.reject <= 1
    assert t.achieved["reject_fpr"] <= t.target["reject_fpr"]
    assert t.achieved["review_recall"] >= t.achieved["reject_recall"]
    assert list(t.decide([t.review - 1e-9, t.review, t.reject])) == ["approve", "review", "reject"]


def test_the_model_pickles_with_the_standard_module(model, data):
    again = pickle.loads(pickle.dumps(model))
    a, b = model.score(data[1].head(200)), again.score(data[1].head(200))
    pd.testing.assert_frame_equal(a, b)


def test_scoring_tolerates_missing_and_unparseable_columns(model, data):
    frame = data[1].head(50).drop(columns=["device_distinct_users_24h", "card_other_accounts_24h"])
    frame["order_total_minor"] = frame["order_total_minor"].astype(object)
    frame.loc[frame.index[:5], "order_total_minor"] = "n/a"
    scored = model.score(frame)
    assert len(scored) == 50 and scored["score"].notna().all()
    assert model.score(pd.DataFrame({"something_else": [1.0, 2.0]}))["score"].between(0, 1).all()
    assert model.score(frame.iloc[:0]).empty


def test_trains_on_outside_data_with_arbitrary_numeric_columns():
    rng = np.random.default_rng(3)
    n = 3000
    y = rng.random(n) < 0.05
    frame = pd.DataFrame({"txn_id": np.arange(n), "amount": rng.lognormal(np.where(y, 6, 4), 0.5),
                          "hour": rng.integers(0, 24, n), "merchant": rng.choice(["a", "b"], n),
                          "fraud": y.astype(int)})
    model = train(frame, label="fraud", params={"num_boost_round": 50})
    assert model.inputs == ["amount", "hour"]  # ids, strings and the label are not evidence
    scored = model.score(frame)
    assert metrics(y, scored["score"].to_numpy())["roc_auc"] > 0.9
    assert "amount is" in " ".join(scored["reasons"][y])


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"x": [], "is_fraud": []}), "No orders"),
    (pd.DataFrame({"x": [1.0, 2.0], "is_fraud": [False, False]}), "Only one class"),
    (pd.DataFrame({"x": [1.0, 2.0]}), "label column"),
    (pd.DataFrame({"x": [1.0, 2.0], "is_fraud": [0, 3]}), "must be 0/1"),
    (pd.DataFrame({"x": range(100), "is_fraud": [1] * 3 + [0] * 97}), "at least 10"),
])
def test_bad_training_input_fails_with_a_clear_message(frame, message):
    with pytest.raises(ValueError, match=message):
        train(frame)
