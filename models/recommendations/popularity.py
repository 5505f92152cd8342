"""The honest baseline: the most interacted-with items of the training data, minus what each user has seen."""
from __future__ import annotations

import pandas as pd


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
