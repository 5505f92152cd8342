"""Hold-out evaluation of a recommender beside the popularity baseline, on the same users and the same items.

Relevant items of a user are those they engaged with after the cut (`relevant_kinds`) and had not touched
before it: both the model and the baseline exclude already-seen items, so a seen item could never count.
The baseline is the honest one: the most interacted-with items of the training data, minus what each user saw.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd


def precision_at_k(recs: Mapping, relevant: Mapping, k: int = 10) -> float:
    """Mean over the users in `relevant` of hits in the top k / k (a short list still divides by k)."""
    if not relevant:
        return float("nan")
    return sum(len(set(recs.get(u, [])[:k]) & rel) / k for u, rel in relevant.items()) / len(relevant)


def ndcg_at_k(recs: Mapping, relevant: Mapping, k: int = 10) -> float:
    """Binary-relevance NDCG@k, the ideal ranking putting min(k, |relevant|) hits first."""
    if not relevant:
        return float("nan")
    total = 0.0
    for user, rel in relevant.items():
        dcg = sum(1.0 / math.log2(r + 2) for r, item in enumerate(recs.get(user, [])[:k]) if item in rel)
        ideal = sum(1.0 / math.log2(r + 2) for r in range(min(k, len(rel))))
        total += dcg / ideal if ideal else 0.0
    return total / len(relevant)


def coverage(recs: Mapping, catalog: Sequence | set, k: int = 10) -> float:
    """Share of the catalog that appears in anyone's top k: popularity alone scores near k / |catalog|."""
    shown = {item for items in recs.values() for item in items[:k]}
    return len(shown & set(catalog)) / len(catalog) if len(catalog) else float("nan")


def ranking_report(recs: Mapping, relevant: Mapping, catalog: Sequence | set, k: int = 10) -> dict[str, float]:
    return {f"precision_at_{k}": precision_at_k(recs, relevant, k), f"ndcg_at_{k}": ndcg_at_k(recs, relevant, k),
            f"coverage_at_{k}": coverage(recs, catalog, k), "users": float(len(relevant))}


def popularity_recommendations(train_part: pd.DataFrame, user_ids: list, k: int = 10) -> dict:
    ranked = train_part.groupby("item_id")["weight"].sum().sort_values(ascending=False, kind="stable")
    order = ranked.index.tolist()
    seen = train_part.groupby("user_id")["item_id"].apply(set).to_dict()
    out = {}
    for user in user_ids:
        mine = seen.get(user, set())
        out[user] = [item for item in _first_unseen(order, mine, k)]
    return out


def _first_unseen(order: list, seen: set, k: int):
    taken = 0
    for item in order:
        if taken == k:
            return
        if item not in seen:
            taken += 1
            yield item


def relevant_items(train_part: pd.DataFrame, holdout: pd.DataFrame, kinds: tuple[str, ...] | None,
                   known_only: bool = False) -> dict:
    """{user: set of new items} for hold-out users with at least one."""
    if kinds is not None and "kind" in holdout.columns:
        holdout = holdout.loc[holdout["kind"].isin(kinds)]
    seen = set(zip(train_part["user_id"], train_part["item_id"]))
    if known_only:
        holdout = holdout.loc[holdout["user_id"].isin(set(train_part["user_id"]))]
    pairs = holdout.loc[[(u, i) not in seen for u, i in zip(holdout["user_id"], holdout["item_id"])]]
    return pairs.groupby("user_id")["item_id"].apply(set).to_dict()


def compare(model, train_part: pd.DataFrame, holdout: pd.DataFrame, catalog, *, k: int = 10,
            kinds: tuple[str, ...] | None = None, known_only: bool = False) -> tuple[dict, dict]:
    """(model figures, popularity figures) for one definition of relevance."""
    relevant = relevant_items(train_part, holdout, kinds, known_only)
    users = list(relevant)
    ours = ranking_report(model.recommend(users, k=k), relevant, catalog, k)
    baseline = ranking_report(popularity_recommendations(train_part, users, k=k), relevant, catalog, k)
    return ours, baseline


def model_only(model, train_part: pd.DataFrame, holdout: pd.DataFrame, *, k: int = 10,
               kinds: tuple[str, ...] | None = None) -> float:
    relevant = relevant_items(train_part, holdout, kinds)
    return ranking_report(model.recommend(list(relevant), k=k), relevant, [], k)[f"precision_at_{k}"]
