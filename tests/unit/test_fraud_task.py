"""The fraud task as the pipeline drives it (out-of-time split, fit, evaluate beside the rules, score, pyfunc),
the risk team's rules, and the threshold choice on a score whose curve is known."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from models.base import EmptyTrainingData
from models.fraud.calibration import choose_thresholds
from models.fraud.rules import RulesModel, rule_flags
from models.fraud.task import TASK
from tests.unit.test_fraud_model import planted


@pytest.fixture(scope="module")
def split():
    return TASK.split(planted(4000, seed=5), {})


def test_split_holds_out_the_last_fifth_of_days(split):
    assert split.train["event_timestamp"].max() < split.holdout["event_timestamp"].min()
    assert split.window["cut"] == "2026-02-18"  # 60 days from 2026-01-01: the last 12 are held out
    assert split.context["holdout_days"] == 12


def test_split_refuses_an_empty_or_one_day_window():
    with pytest.raises(EmptyTrainingData, match="empty"):
        TASK.split(planted(10).iloc[:0], {})
    one_day = planted(50).assign(event_timestamp=pd.Timestamp("2026-03-01 10:00", tz="UTC"))
    with pytest.raises(EmptyTrainingData, match="one day"):
        TASK.split(one_day, {})


def test_fit_evaluate_score_and_pyfunc_as_the_pipeline_runs_them(split):
    params = {"num_boost_round": 80}
    model = TASK.fit(split.train, params)
    ev = TASK.evaluate(model, split, params)
    assert ev.metric == "pr_auc" and ev.beats_baseline
    assert {"roc_auc", "recall_at_1pct_fpr", "baseline_roc_auc", "threshold_reject"} <= set(ev.metrics)
    assert TASK.score(model, split) == pytest.approx(ev.value)
    assert TASK.score(RulesModel(), split) == pytest.approx(ev.baseline)
    example = TASK.input_example(model, split)
    pyfunc = TASK.python_model()
    out = pyfunc.predict_frame(pickle.loads(pickle.dumps(model)), example)
    assert list(out.columns) == ["score", "decision", "reasons"] and len(out) == len(example)


def test_rules_fire_on_what_they_describe():
    frame = pd.DataFrame({"user_orders_1h": [1, 3, 1], "account_age_hours": [3.0, 9000.0, np.nan],
                          "card_country_mismatch": [1, 1, 1]})
    flags = rule_flags(frame)
    assert list(flags["rule_velocity_1h"]) == [0, 1, 0]
    assert list(flags["rule_new_account_foreign_card"]) == [1, 0, 0]  # unknown age: the rule cannot fire
    assert flags["rule_shared_card"].sum() == 0  # column absent: never fires
    scored = RulesModel().score(frame)
    assert list(scored["decision"]) == ["review", "review", "approve"]
    assert "within an hour" in scored["reasons"].iloc[1] and scored["reasons"].iloc[2] == ""


def test_thresholds_on_a_known_curve():
    """100 fraud scored 0.50..0.99 evenly, 1000 good orders 0.000..0.999: every cut's rates count by hand."""
    score = np.concatenate([np.linspace(0.5, 0.99, 100), np.arange(1000) / 1000])
    y = np.r_[np.ones(100), np.zeros(1000)]
    # 1% of good orders score >= 0.990, where one fraud sits; the queue can take 10%: cut 0.900, 19 fraud above.
    t = choose_thresholds(score, y, reject_fpr=0.01, review_recall=0.9, review_fpr=0.0, review_max_fpr=0.1)
    assert (t.reject, t.achieved["reject_recall"], t.achieved["reject_fpr"]) == pytest.approx((0.99, 0.01, 0.01))
    assert (t.review, t.achieved["review_recall"], t.achieved["review_fpr"]) == pytest.approx((0.9, 0.19, 0.1))
    # Half the fraud scores >= 0.7475; 25.2% of good orders do too, within a capacity of 30%.
    t = choose_thresholds(score, y, reject_fpr=0.01, review_recall=0.5, review_fpr=0.0, review_max_fpr=0.3)
    assert (t.achieved["review_recall"], t.achieved["review_fpr"]) == pytest.approx((0.5, 0.252))
    assert t.review <= t.reject
