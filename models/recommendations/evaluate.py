"""Hold-out evaluation of a recommender beside the popularity baseline, on the same users and the same items.

Relevant items of a user are those they engaged with after the cut (`relevant_kinds`) and had not touched
before it: both the model and the baseline exclude already-seen items, so a seen item could never count.
"""
from __future__ import annotations

import pandas as pd

from models.recommendations.metrics import ranking_report
from models.recommendations.popularity import popularity_recommendations


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
