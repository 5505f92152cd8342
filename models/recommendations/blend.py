"""The one ranker: every strategy scores every candidate item for a batch of users, each score is rescaled to
[0, 1] per user, and the weighted sum ranks. The strategy credited with an item is the one contributing most to
its blended score, so an explanation is always one of the strategies that actually pushed the item up.

Per-user min-max rescaling (instead of raw scores) is what lets factors, EASE weights, basket counts and decayed
popularity share one scale without calibration; NaN marks "no opinion" (e.g. ALS on a brand-new item).
"""
from __future__ import annotations

import numpy as np

STRATEGIES = ("als", "item_item", "co_purchase", "trending_in_category", "new_item_in_category")
# Already a share in [0, 1] (the user's affinity to the item's category), and often constant across the few new
# items: min-max would flatten it to zero, so it is used as is.
UNSCALED = {"new_item_in_category"}


def rescale(scores: np.ndarray) -> np.ndarray:
    """Row-wise min-max to [0, 1]; NaN (no opinion) and constant rows give 0."""
    finite = np.isfinite(scores)
    lo = np.where(finite, scores, np.inf).min(axis=1, keepdims=True)
    hi = np.where(finite, scores, -np.inf).max(axis=1, keepdims=True)
    span = np.where(np.isfinite(hi - lo) & (hi > lo), hi - lo, np.inf)
    return np.where(finite, (scores - np.where(np.isfinite(lo), lo, 0.0)) / span, 0.0)


def blend(per_strategy: dict[str, np.ndarray],
          weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(blended scores, index into `names` of the credited strategy, names) for a users × items batch."""
    names = [s for s in STRATEGIES if s in per_strategy and weights.get(s, 0.0) > 0]
    parts = np.stack([weights[s] * (np.nan_to_num(per_strategy[s]) if s in UNSCALED else rescale(per_strategy[s]))
                      for s in names])
    return parts.sum(axis=0), parts.argmax(axis=0), names


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indices of the k best finite scores per row, best first (shorter when fewer are finite)."""
    k = min(k, scores.shape[1])
    if k <= 0:
        return np.empty((scores.shape[0], 0), dtype=int)
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.take_along_axis(scores, part, axis=1).argsort(axis=1)[:, ::-1]
    return np.take_along_axis(part, order, axis=1)
