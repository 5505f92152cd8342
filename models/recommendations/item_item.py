"""Two item-to-item strategies learned from the interaction matrix.

- `ease`: EASE (Steck, 2019), a closed-form linear item-item model. It is the strongest simple recommender on
  small and medium catalogs and complements ALS (which smooths through a few factors, where EASE keeps the
  exact "people who took X also took Y" pairs). It needs an items × items inverse, so it only runs below a
  catalog size cap; above that the ALS factors carry the personal ranking alone.
- `co_purchase`: "frequently bought together" from baskets (same order, or same user and same timestamp when
  no order id is given), normalised so that a pair of bestsellers does not outrank a genuinely paired item.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


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
