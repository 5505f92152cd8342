"""What the strategies learn on planted structure: taste beats popularity (and stops beating it when the
structure is shuffled away), neighbours share a category, baskets give partners, trends decay, new items reach
the shoppers of their category; plus the pipeline task end to end on a frame."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.recommendations import train
from models.recommendations.dataset import RecsData
from models.recommendations.evaluate import ndcg_at_k, popularity_recommendations, precision_at_k
from models.recommendations.movielens import per_user_split
from models.recommendations.synthetic import partner_of, planted
from models.recommendations.task import TASK


def p_at_10(frame: pd.DataFrame, seed: int = 0) -> tuple[float, float]:
    train_part, test_part = per_user_split(frame, 0.25, seed)
    relevant = test_part.groupby("user_id")["item_id"].apply(set).to_dict()
    model = train(train_part)
    pop = popularity_recommendations(train_part, list(relevant))
    return precision_at_k(model.recommend(list(relevant)), relevant), precision_at_k(pop, relevant)


def test_model_beats_popularity_on_planted_taste():
    ours, pop = p_at_10(planted(seed=3).interactions)
    assert ours >= 1.5 * pop


def test_without_taste_the_model_has_no_edge_over_popularity():
    frame = planted(seed=3).interactions
    shuffled = frame.assign(user_id=np.random.default_rng(0).permutation(frame["user_id"].to_numpy()))
    ours, pop = p_at_10(shuffled)
    assert ours < 1.2 * pop


@pytest.fixture(scope="module")
def world():
    return planted(seed=4)


@pytest.fixture(scope="module")
def model(world):
    return train(world.interactions, items=world.items)


def test_similar_items_share_the_category(model, world):
    category = dict(zip(world.items["item_id"], world.items["category"]))
    probes = [f"i{n}" for n in range(0, 40, 3)]
    neighbours = model.similar_items(probes, k=5)
    same = [category[n] == category[p] for p in probes for n in neighbours[p]]
    assert np.mean(same) >= 0.6  # chance is 0.25 (four categories)


def test_frequently_bought_together_finds_the_basket_partner(model):
    for n in range(0, 20, 3):
        assert model.frequently_bought_together([f"i{n}"], k=3)[f"i{n}"][0] == f"i{int(partner_of(n, 4))}"


def test_trending_prefers_recent_interest_and_decays_by_half_life():
    day = 86_400.0
    old = pd.DataFrame({"user_id": [f"a{n}" for n in range(10)], "item_id": "old", "weight": 1.0, "ts": 0.0})
    new = pd.DataFrame({"user_id": [f"b{n}" for n in range(4)], "item_id": "new", "weight": 1.0, "ts": 100 * day})
    frame = pd.concat([old, new], ignore_index=True)
    assert train(frame).recommend(["stranger"], k=2)["stranger"] == ["new", "old"]
    assert train(frame, {"half_life_days": 1e9}).recommend(["stranger"], k=2)["stranger"] == ["old", "new"]


def test_new_items_reach_shoppers_of_their_category_only(world):
    cold = pd.DataFrame({"item_id": ["fresh-a", "fresh-b"], "category": ["cat0", "cat0"]})
    # a weight high enough to surface them: what is tested is who they reach, not the default weight
    model = train(world.interactions, {"weights": {"new_item_in_category": 2.0}},
                  items=pd.concat([world.items, cold], ignore_index=True))
    fans = [u for u, g in world.user_group.items() if g == 0][:20]
    others = [u for u, g in world.user_group.items() if g == 1][:20]
    recs = model.recommend_explained(fans + others, k=10)
    reached = [u for u in fans if any(s == "new_item_in_category" for _, _, s in recs[u])]
    assert len(reached) >= len(fans) // 2
    assert not any(i.startswith("fresh") for u in others for i, _, _ in recs[u])
    assert model.similar_items(["fresh-a"], k=3)["fresh-a"]  # a cold item still has neighbours (its category)


def test_metrics_on_a_hand_checked_case():
    recs, relevant = {"a": ["x", "y", "z"], "b": ["q"]}, {"a": {"y"}, "b": {"q", "r"}}
    assert precision_at_k(recs, relevant, k=2) == pytest.approx((1 / 2 + 1 / 2) / 2)
    ideal_b = 1 + 1 / np.log2(3)
    assert ndcg_at_k(recs, relevant, k=2) == pytest.approx(((1 / np.log2(3)) + 1 / ideal_b) / 2)


def test_task_splits_by_time_fits_evaluates_and_serves(world):
    frame = world.interactions.assign(
        ts=pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(world.interactions["ts"], unit="s"),
        kind="view")
    split = TASK.split(RecsData(frame, world.items), {"holdout_days": 10})
    assert pd.to_datetime(split.train.interactions["ts"]).max() < pd.Timestamp(split.window["cut"])
    assert pd.to_datetime(split.holdout["ts"]).min() >= pd.Timestamp(split.window["cut"])
    model = TASK.fit(split.train, TASK.default_params)
    ev = TASK.evaluate(model, split, {})
    assert ev.metric == "precision_at_10" and ev.beats_baseline
    assert TASK.score(model, split) == pytest.approx(ev.value)
    assert {"ndcg_at_10", "coverage_at_10", "baseline_ndcg_at_10"} <= set(ev.metrics)
    out = TASK.python_model().predict_frame(model, TASK.input_example(model, split))
    assert list(out.columns) == ["user_id", "rank", "item_id", "score", "strategy"] and len(out) == 30
