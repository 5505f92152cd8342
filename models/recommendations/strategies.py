"""What each strategy learns from the interaction matrix; the blended ranker (recommender.py) combines them.

- ALS (implicit) on confidence- or BM25-weighted interactions: taste factors for users and items. BM25 damps
  heavy users and bestsellers; plain confidence (alpha × weight) won on the MovieLens validation split. Only
  the numpy factors are kept: implicit's model object is tied to threads and native code we keep out of pickles.
- EASE (Steck, 2019): a closed-form linear item-item model, the strongest simple recommender on small and medium
  catalogs, complementing ALS (which smooths through a few factors where EASE keeps exact "people who took X
  also took Y" pairs). It inverts an items × items matrix, so it only runs below a catalog size cap.
- Co-purchase ("frequently bought together") from baskets: same order, or same user and timestamp when no order
  id is given, cosine-normalised so that two bestsellers do not outrank a genuinely paired item.
- Time-decayed popularity with a half-life measured back from the newest interaction in the data (not from
  "now", so the same data always trains the same model), and the item → category map used per category and
  for content cold start. Without timestamps it is plain popularity.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns and slows down with a threaded BLAS

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from implicit.cpu.als import AlternatingLeastSquares  # noqa: E402
from implicit.nearest_neighbours import bm25_weight  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

DAY = 86_400.0


@dataclass
class Factors:
    users: np.ndarray  # (n_users, f) float32
    items: np.ndarray  # (n_items, f) float32

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.users[rows] @ self.items.T

    def item_similarity(self, item: int) -> np.ndarray:
        """Cosine similarity of one item's factors with every item's."""
        norms = np.linalg.norm(self.items, axis=1) + 1e-9
        return (self.items @ self.items[item]) / (norms * norms[item])


def weighted(matrix: sp.csr_matrix, params: dict) -> sp.csr_matrix:
    if params["weighting"] == "bm25":
        return bm25_weight(matrix, K1=params["bm25_k1"], B=params["bm25_b"]).tocsr().astype(np.float32)
    return matrix.astype(np.float32)  # "confidence": raw summed weights, scaled by alpha inside ALS


def fit_als(matrix: sp.csr_matrix, params: dict) -> Factors:
    # implicit parallelises over users itself; a BLAS threadpool on top (numpy may have been imported before
    # the environment variable above could act) oversubscribes the cores.
    with threadpool_limits(1, "blas"):
        model = AlternatingLeastSquares(factors=params["factors"], regularization=params["regularization"],
                                        alpha=params["alpha"], iterations=params["iterations"],
                                        random_state=params["seed"], num_threads=params.get("threads", 0))
        model.fit(weighted(matrix, params), show_progress=False)
    return Factors(np.asarray(model.user_factors, np.float32), np.asarray(model.item_factors, np.float32))


def ease(matrix: sp.csr_matrix, l2: float) -> np.ndarray:
    """items × items weights B with a zero diagonal; a user's scores are their (binary) history row @ B."""
    binary = (matrix > 0).astype(np.float64)
    gram = (binary.T @ binary).toarray()
    gram[np.diag_indices_from(gram)] += l2
    inverse = np.linalg.inv(gram)
    weights = inverse / (-np.diag(inverse))
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


def basket_keys(frame: pd.DataFrame) -> pd.Series | None:
    """One key per basket row, or None when there is no way to tell baskets apart."""
    if "basket" in frame.columns and frame["basket"].notna().any():
        return frame["basket"].where(frame["basket"].notna())
    if frame["ts"].notna().any():
        return frame["user_id"].astype(str) + "@" + frame["ts"].astype(str).where(frame["ts"].notna())
    return None


def co_purchase(frame: pd.DataFrame, n_items: int) -> sp.csr_matrix:
    """items × items, cosine-normalised counts of baskets holding both items (zero diagonal)."""
    keys = basket_keys(frame)
    if keys is None:
        return sp.csr_matrix((n_items, n_items), dtype=np.float32)
    rows = frame.assign(key=keys.to_numpy()).dropna(subset=["key"]).drop_duplicates(["key", "i"])
    basket_codes, _ = pd.factorize(rows["key"])
    baskets = sp.csr_matrix((np.ones(len(rows), np.float32), (basket_codes, rows["i"].to_numpy())),
                            shape=(basket_codes.max() + 1 if len(rows) else 0, n_items))
    sizes = np.asarray(baskets.sum(axis=1)).ravel()
    baskets = baskets[sizes >= 2]  # a one-item basket says nothing about pairs
    pairs = (baskets.T @ baskets).tocsr()
    pairs.setdiag(0)
    pairs.eliminate_zeros()
    counts = np.sqrt(np.asarray(baskets.sum(axis=0)).ravel()) + 1e-9
    scale = sp.diags(1.0 / counts)
    return (scale @ pairs @ scale).tocsr().astype(np.float32)


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
