"""What the champion (models/recommendations Recommender, reached natively) contributes to the chain.

The model has fallbacks of its own (users or items it never saw get its trending list); those are not the model's
opinion, so they are dropped here and the chain's own links (fed by live events, so fresher) answer instead.
Ids are the warehouse's product and user ids as strings, the same as the projections'.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from apps.serving.domain.recommendations import Candidate

MODEL_FALLBACKS = {"trending", "popular"}  # recommend_explained's answer for a user it never saw
SIMILAR = "als_similar"  # similar_items_explained's own opinion; anything else is its category/overall fallback


def personal(model: Any, user_id: str, k: int) -> list[Candidate]:
    recs = model.recommend_explained([user_id], k=k, exclude_seen=True).get(user_id) or []
    return [Candidate(str(item), float(score), str(reason)) for item, score, reason in recs
            if reason not in MODEL_FALLBACKS]


def similar(model: Any, product_ids: list[str], k: int) -> list[Candidate]:
    """Items like any of `product_ids`, each scored by its best similarity to one of them."""
    best: dict[str, float] = {}
    for recs in model.similar_items_explained(product_ids, k=k).values():
        for item, score, reason in recs:
            if reason == SIMILAR and str(item) not in product_ids:
                best[str(item)] = max(float(score), best.get(str(item), float("-inf")))
    return [Candidate(item, score, SIMILAR) for item, score in sorted(best.items(), key=lambda kv: -kv[1])]


def bought_together(model: Any, product_id: str, k: int) -> list[Candidate]:
    """The model's basket partners of one product (its co-purchase matrix from training), best first; only
    genuine partners (the model backs off to similar items itself, which `similar` already covers)."""
    matrix = getattr(model, "co_purchase", None)
    if matrix is None:
        return []
    position = int(model.items.positions(_series([product_id]))[0])
    if not 0 <= position < model.n_warm:
        return []
    row = matrix[position]
    order = sorted(zip(row.indices.tolist(), row.data.tolist()), key=lambda x: -x[1])[:k]
    return [Candidate(str(model.items.values[i]), float(s), "model_co_purchase") for i, s in order]


def _series(values: list[str]) -> pd.Series:
    return pd.Series(values, dtype=object)
