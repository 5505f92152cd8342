"""The trained recommender: plain numpy/scipy state (so it pickles with the standard module) and the public
read side — recommend, recommend_explained, similar_items, frequently_bought_together.

The one ranker: every strategy scores every candidate item for a batch of users, each score is rescaled to
[0, 1] per user, and the weighted sum ranks. The strategy credited with an item is the one contributing most to
its blended score, so an explanation is always one of the strategies that actually pushed the item up.
Per-user min-max rescaling (instead of raw scores) is what lets factors, EASE weights, basket counts and decayed
popularity share one scale without calibration; NaN marks "no opinion" (e.g. ALS on a brand-new item).

Items are the warm ones (seen in training) followed by cold ones (known only from the items frame); the
personal strategies score warm items only, the category strategies reach the cold ones.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models.recommendations.interactions import IdIndex
from models.recommendations.strategies import Factors, category_affinity

BATCH = 1024  # users scored at once: bounds the users × items score matrices in memory
STRATEGIES = ("als", "item_item", "co_purchase", "trending_in_category", "new_item_in_category")
# Already a share in [0, 1] (the user's affinity to the item's category), and often constant across the few new
# items: min-max would flatten it to zero, so it is used as is.
UNSCALED = {"new_item_in_category"}


@dataclass
class Recommender:
    users: IdIndex
    items: IdIndex  # warm items first, then cold ones
    n_warm: int
    history: sp.csr_matrix  # users × warm items, summed weights
    factors: Factors
    trending: np.ndarray  # warm items, decayed popularity
    categories: np.ndarray  # category code per item (-1 unknown)
    n_categories: int
    weights: dict[str, float]
    item_item: np.ndarray | None = None
    co_purchase: sp.csr_matrix | None = None
    fallback_name: str = "trending"
    meta: dict = field(default_factory=dict)

    def recommend(self, user_ids: Iterable, k: int = 10, exclude_seen: bool = True) -> dict:
        explained = self.recommend_explained(user_ids, k=k, exclude_seen=exclude_seen)
        return {u: [item for item, _, _ in recs] for u, recs in explained.items()}

    def recommend_explained(self, user_ids: Iterable, k: int = 10, exclude_seen: bool = True) -> dict:
        """{user: [(item_id, score, strategy), ...]} best first; users unseen in training get the fallback."""
        user_ids = list(user_ids)
        rows = self.users.positions(_series(user_ids))
        out = {u: self._fallback(k) for u, r in zip(user_ids, rows) if r < 0}
        known = [(u, r) for u, r in zip(user_ids, rows) if r >= 0]
        for start in range(0, len(known), BATCH):
            batch = known[start:start + BATCH]
            out.update(self._personal([u for u, _ in batch], np.array([r for _, r in batch]), k, exclude_seen))
        return {u: out[u] for u in user_ids}

    def similar_items(self, item_ids: Iterable, k: int = 10) -> dict:
        return {i: [item for item, _, _ in recs] for i, recs in self.similar_items_explained(item_ids, k).items()}

    def similar_items_explained(self, item_ids: Iterable, k: int = 10) -> dict:
        """Nearest items by ALS factors; a cold item gets its category's trending items, an unknown one the
        overall trending list."""
        item_ids = list(item_ids)
        positions = self.items.positions(_series(item_ids))
        return {i: self._similar(int(p), k) for i, p in zip(item_ids, positions)}

    def frequently_bought_together(self, item_ids: Iterable, k: int = 10) -> dict:
        """Basket partners; items never bought with anything fall back to similar items."""
        item_ids = list(item_ids)
        positions = self.items.positions(_series(item_ids))
        out = {}
        for item, p in zip(item_ids, positions):
            row = self.co_purchase[p] if self.co_purchase is not None and 0 <= p < self.n_warm else None
            if row is None or row.nnz == 0:
                out[item] = self.similar_items([item], k)[item]
                continue
            order = row.indices[np.argsort(-row.data)][:k]
            out[item] = self.items.values[order].tolist()
        return out

    def _fallback(self, k: int, category: int = -1, skip: int = -1) -> list[tuple]:
        scores = self.trending.astype(float).copy()
        name = self.fallback_name
        if category >= 0:
            scores[self.categories[: self.n_warm] != category] = -np.inf
            name = "trending_in_category"
        if 0 <= skip < self.n_warm:
            scores[skip] = -np.inf
        best = top_k(scores[None, :], k)[0]
        best = best[np.isfinite(scores[best])]
        return [(item, float(s), name) for item, s in zip(self.items.values[best].tolist(), scores[best])]

    def _similar(self, p: int, k: int) -> list[tuple]:
        if p < 0:
            return self._fallback(k)
        if p >= self.n_warm:
            return self._fallback(k, category=int(self.categories[p]), skip=p)
        scores = self.factors.item_similarity(p).astype(float)
        scores[p] = -np.inf
        best = top_k(scores[None, :], k)[0]
        return [(item, float(s), "als_similar") for item, s in zip(self.items.values[best].tolist(), scores[best])]

    def _personal(self, user_ids: list, rows: np.ndarray, k: int, exclude_seen: bool) -> dict:
        history = self.history[rows]
        per_strategy = self._strategy_scores(rows, history)
        scores, credit, names = blend(per_strategy, self.weights)
        if exclude_seen:
            seen_r, seen_c = history.nonzero()
            scores[seen_r, seen_c] = -np.inf
        best = top_k(scores, k)
        out = {}
        for b, user in enumerate(user_ids):
            cols = best[b][np.isfinite(scores[b, best[b]])]
            out[user] = [(item, float(scores[b, c]), names[credit[b, c]])
                         for item, c in zip(self.items.values[cols].tolist(), cols)]
        return out

    def _strategy_scores(self, rows: np.ndarray, history: sp.csr_matrix) -> dict[str, np.ndarray]:
        """users × all items per strategy, NaN where a strategy has no opinion (cold items for the personal
        ones, warm items for the new-item one)."""
        n_cold = len(self.items) - self.n_warm
        pad = np.full((len(rows), n_cold), np.nan, np.float32)
        binary = (history > 0).astype(np.float32)
        scores = {"als": np.hstack([self.factors.scores(rows), pad])}
        if self.item_item is not None:
            scores["item_item"] = np.hstack([binary @ self.item_item, pad])
        if self.co_purchase is not None and self.co_purchase.nnz:
            scores["co_purchase"] = np.hstack([(binary @ self.co_purchase).toarray(), pad])
        affinity = category_affinity(history.toarray(), self.categories[: self.n_warm], self.n_categories)
        if self.n_categories:
            warm_cats = self.categories[: self.n_warm]
            boost = np.where(warm_cats >= 0, affinity[:, np.maximum(warm_cats, 0)], 0.0)
            scores["trending_in_category"] = np.hstack([self.trending[None, :] * boost, pad])
            if n_cold:
                cold_cats = self.categories[self.n_warm:]
                cold = np.where(cold_cats >= 0, affinity[:, np.maximum(cold_cats, 0)], np.nan)
                scores["new_item_in_category"] = np.hstack(
                    [np.full((len(rows), self.n_warm), np.nan, np.float32), cold])
        return scores


def _series(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


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
