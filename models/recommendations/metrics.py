"""Top-k ranking metrics over {user: recommended list} against {user: set of relevant items}."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def precision_at_k(recs: Mapping, relevant: Mapping, k: int = 10) -> float:
    """Mean over the users in `relevant` of hits in the top k / k (a short list still divides by k)."""
    if not relevant:
        return float("nan")
    return sum(len(set(recs.get(u, [])[:k]) & rel) / k for u, rel in relevant.items()) / len(relevant)


def ndcg_at_k(recs: Mapping, relevant: Mapping, k: int = 10) -> float:
    """Binary-relevance NDCG@k, the ideal ranking putting min(k, |relevant|) hits first."""
    if not relevant:
        return float("nan")
    total = 0.0
    for user, rel in relevant.items():
        dcg = sum(1.0 / math.log2(r + 2) for r, item in enumerate(recs.get(user, [])[:k]) if item in rel)
        ideal = sum(1.0 / math.log2(r + 2) for r in range(min(k, len(rel))))
        total += dcg / ideal if ideal else 0.0
    return total / len(relevant)


def coverage(recs: Mapping, catalog: Sequence | set, k: int = 10) -> float:
    """Share of the catalog that appears in anyone's top k: popularity alone scores near k / |catalog|."""
    shown = {item for items in recs.values() for item in items[:k]}
    return len(shown & set(catalog)) / len(catalog) if len(catalog) else float("nan")


def ranking_report(recs: Mapping, relevant: Mapping, catalog: Sequence | set, k: int = 10) -> dict[str, float]:
    return {f"precision_at_{k}": precision_at_k(recs, relevant, k), f"ndcg_at_{k}": ndcg_at_k(recs, relevant, k),
            f"coverage_at_{k}": coverage(recs, catalog, k), "users": float(len(relevant))}
