"""Time-decayed popularity, overall and per category, and the item → category map for content cold start.

Decay is exponential with a half-life, measured back from the newest interaction in the training data (not
from "now"), so the same data always trains the same model. Without timestamps it is plain popularity.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

DAY = 86_400.0


def decayed_popularity(frame: pd.DataFrame, n_items: int, half_life_days: float) -> np.ndarray:
    ts = frame["ts"].to_numpy(float)
    decay = np.ones(len(frame))
    if np.isfinite(ts).any() and half_life_days > 0:
        age_days = (np.nanmax(ts) - ts) / DAY
        decay = np.where(np.isfinite(ts), np.exp2(-age_days / half_life_days), 0.0)
    return np.bincount(frame["i"].to_numpy(), weights=frame["weight"].to_numpy() * decay, minlength=n_items)


def item_categories(items: pd.DataFrame | None, item_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(category code per item, -1 when unknown; the category values). `items` has item_id and category; a
    list-valued category (a product in several) keeps its first entry."""
    if items is None or items.empty or "category" not in items.columns:
        return np.full(len(item_ids), -1), np.array([], dtype=object)
    cats = items[["item_id", "category"]].copy()
    cats["category"] = cats["category"].map(_first)
    cats = cats.dropna().drop_duplicates("item_id", keep="last")
    codes, values = pd.factorize(cats["category"])
    lookup = pd.Series(codes, index=pd.Index(cats["item_id"].to_numpy()))
    mapped = lookup.reindex(pd.Index(item_ids)).fillna(-1).astype(int).to_numpy()
    return mapped, np.asarray(values, dtype=object)


def _first(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        return value[0] if len(value) else None
    return value


def category_affinity(history: np.ndarray, codes: np.ndarray, n_categories: int) -> np.ndarray:
    """users × categories share of each user's interaction weight (rows sum to 1 where known)."""
    known = codes >= 0
    onehot = np.zeros((len(codes), max(n_categories, 1)), np.float32)
    onehot[np.flatnonzero(known), codes[known]] = 1.0
    totals = history @ onehot
    return totals / np.maximum(totals.sum(axis=1, keepdims=True), 1e-9)
