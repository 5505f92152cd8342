"""train(interactions, params) -> Recommender: a pure function from a frame to a fitted object.

Default hyperparameters were chosen on validation splits carved out of training data only: the ALS/EASE
values on MovieLens 100k (a 75/25 per-user split of its training part, see movielens.py), the blend weights on
a time cut inside the marketplace training window. Neither hold-out was used to choose them.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from models.recommendations.interactions import IdIndex, prepare
from models.recommendations.recommender import Recommender
from models.recommendations.strategies import co_purchase, decayed_popularity, ease, fit_als, item_categories

DEFAULT_PARAMS: dict[str, Any] = {
    "factors": 16, "regularization": 1.0, "alpha": 5.0, "iterations": 15, "seed": 7,
    "weighting": "confidence", "bm25_k1": 100.0, "bm25_b": 0.8,
    "ease_l2": 500.0, "ease_max_items": 4000,  # EASE inverts an items × items matrix: 4000² float64 ≈ 128 MB
    "half_life_days": 14.0,
    "weights": {"als": 1.0, "item_item": 1.0, "co_purchase": 0.3, "trending_in_category": 0.2,
                "new_item_in_category": 0.3},
}


def resolve(params: dict | None) -> dict[str, Any]:
    merged = {**DEFAULT_PARAMS, **(params or {})}
    merged["weights"] = {**DEFAULT_PARAMS["weights"], **merged.get("weights", {})}
    return merged


def train(interactions: pd.DataFrame, params: dict | None = None,
          items: pd.DataFrame | None = None) -> Recommender:
    """Fit every strategy. `items` (item_id, category) may also come as params["items"]; it adds categories
    and lets items nobody has touched yet be recommended by category."""
    params = resolve(params)
    items = items if items is not None else params.pop("items", None)
    data = prepare(interactions)
    matrix = data.matrix()
    universe = _universe(data.items, items)
    codes, values = item_categories(items, universe.values)
    has_ts = bool(np.isfinite(data.frame["ts"]).any())
    return Recommender(
        users=data.users, items=universe, n_warm=len(data.items), history=matrix,
        factors=fit_als(matrix, params),
        trending=decayed_popularity(data.frame, len(data.items), params["half_life_days"]),
        categories=codes, n_categories=len(values), weights=params["weights"],
        item_item=ease(matrix, params["ease_l2"]) if len(data.items) <= params["ease_max_items"] else None,
        co_purchase=co_purchase(data.frame, len(data.items)),
        fallback_name="trending" if has_ts else "popular",
        meta={"users": len(data.users), "items": len(universe), "interactions": int(matrix.nnz)})


def _universe(warm: IdIndex, items: pd.DataFrame | None) -> IdIndex:
    """Warm items, then catalog items with no interaction yet (cold)."""
    if items is None or items.empty:
        return warm
    cold = pd.unique(items["item_id"].to_numpy())
    cold = cold[pd.Index(warm.values).get_indexer(cold) < 0]
    return IdIndex(np.concatenate([warm.values, cold]))
