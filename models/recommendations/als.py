"""Matrix factorisation with implicit's ALS on BM25-weighted interactions.

BM25 damps both heavy users and very popular items, which is what lets ALS find taste beyond popularity
(raw counts make the first factors mostly "how popular is this item"). Only the numpy factors are kept: the
implicit model object ties itself to threads and native code that we do not want inside a pickle.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns and slows down with a threaded BLAS

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from implicit.cpu.als import AlternatingLeastSquares  # noqa: E402
from implicit.nearest_neighbours import bm25_weight  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


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
