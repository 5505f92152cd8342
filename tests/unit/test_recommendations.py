"""The public contract of models.recommendations.train: shapes, id types, exclusions, fallbacks, errors, pickling."""
from __future__ import annotations

import pickle
from types import SimpleNamespace

import pandas as pd
import pytest

from models.base import EmptyTrainingData
from models.recommendations import train
from models.recommendations.recommender import STRATEGIES
from models.recommendations.synthetic import planted
from models.recommendations.task import TASK

FALLBACKS = {"trending", "popular", "trending_in_category"}


@pytest.fixture(scope="module")
def world():
    return planted(seed=1)


@pytest.fixture(scope="module")
def model(world):
    return train(world.interactions, items=world.items)


def seen_by(world, user) -> set:
    return set(world.interactions.loc[world.interactions["user_id"] == user, "item_id"])


def test_recommend_keys_are_the_given_users_with_k_distinct_items(model, world):
    users = ["u3", "u7", "u11"]
    recs = model.recommend(users, k=7)
    assert list(recs) == users
    catalog = set(world.items["item_id"])
    for items in recs.values():
        assert len(items) == 7 and len(set(items)) == 7 and set(items) <= catalog


def test_int_ids_come_back_as_ints():
    w = planted(n_users=120, n_items=60, seed=2, str_ids=False)
    m = train(w.interactions.drop(columns="ts"))  # ts is optional
    user = int(w.interactions["user_id"].iloc[0])
    recs = m.recommend([user], k=5)
    assert list(recs) == [user]
    assert all(type(i) is int for i in recs[user])
    assert all(type(i) is int for i in m.similar_items([int(w.interactions["item_id"].iloc[0])], k=3).popitem()[1])


def test_exclude_seen_removes_history_and_can_be_turned_off(model, world):
    users = [f"u{n}" for n in range(40)]
    excluded = model.recommend(users, k=10)
    assert all(not set(excluded[u]) & seen_by(world, u) for u in users)
    kept = model.recommend(users, k=10, exclude_seen=False)
    assert any(set(kept[u]) & seen_by(world, u) for u in users)  # a user's favourites are usually their own


def test_unknown_users_get_the_fallback_list_without_error(model):
    recs = model.recommend_explained(["nobody", "u5", 12345], k=5)
    assert list(recs) == ["nobody", "u5", 12345]
    assert [i for i, _, _ in recs["nobody"]] == [i for i, _, _ in recs[12345]]
    assert len(recs["nobody"]) == 5 and {s for _, _, s in recs["nobody"]} <= FALLBACKS
    assert {s for _, _, s in recs["u5"]} - FALLBACKS  # a known user gets personal strategies


def test_every_item_names_a_known_strategy_and_scores_descend(model):
    for recs in model.recommend_explained([f"u{n}" for n in range(30)], k=10).values():
        assert {s for _, _, s in recs} <= set(STRATEGIES)
        scores = [s for _, s, _ in recs]
        assert scores == sorted(scores, reverse=True)


def test_unknown_items_get_similar_items_by_fallback(model):
    sims = model.similar_items(["i0", "no-such-item"], k=4)
    assert list(sims) == ["i0", "no-such-item"]
    assert "i0" not in sims["i0"] and len(sims["i0"]) == 4
    assert len(sims["no-such-item"]) == 4


def test_recommend_for_no_users_is_empty(model):
    assert model.recommend([], k=10) == {}


@pytest.mark.parametrize("frame", [
    pd.DataFrame(columns=["user_id", "item_id", "weight", "ts"]),
    pd.DataFrame({"user_id": ["a"], "item_id": ["x"], "weight": [0.0]}),
    None,
])
def test_nothing_to_learn_from_raises_empty_training_data(frame):
    with pytest.raises(EmptyTrainingData, match="interactions"):
        train(frame)


def test_missing_columns_are_refused_with_their_names():
    with pytest.raises(ValueError, match="weight"):
        train(pd.DataFrame({"user_id": ["a"], "item_id": ["x"]}))


def test_pickle_round_trip_recommends_the_same(model):
    users = ["u1", "u2", "nobody"]
    clone = pickle.loads(pickle.dumps(model))
    assert clone.recommend_explained(users, k=10) == model.recommend_explained(users, k=10)
    assert clone.similar_items(["i3"], k=5) == model.similar_items(["i3"], k=5)


def test_the_pyfunc_loads_the_pickle_and_answers_frames(model, tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    pyfunc = TASK.python_model()
    pyfunc.load_context(SimpleNamespace(artifacts={"model": str(path)}))
    users = pyfunc.predict(None, pd.DataFrame({"user_id": ["u1", "nobody"], "k": 3}))
    assert users.groupby("user_id")["rank"].apply(list).to_dict() == {"u1": [1, 2, 3], "nobody": [1, 2, 3]}
    assert users.loc[users["user_id"] == "u1", "item_id"].tolist() == model.recommend(["u1"], k=3)["u1"]
    items = pyfunc.predict(None, pd.DataFrame({"item_id": ["i2"], "k": 4}))
    assert items["item_id"].tolist() == model.similar_items(["i2"], k=4)["i2"]
