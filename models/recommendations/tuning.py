"""Choosing parameters without touching the hold-out: the task's time split applied again inside the training
part (train before an inner cut, validate up to the real cut), each candidate scored against popularity there.

    .venv/bin/python -m models.recommendations.tuning      # the candidates below on the warehouse's window
"""
from __future__ import annotations

import json
from typing import Any

from kernel.warehouse import warehouse_client
from models.recommendations.dataset import RecsData, load
from models.recommendations.task import TASK

CANDIDATES: dict[str, dict[str, Any]] = {
    "default": {},
    "als_only": {"weights": {"item_item": 0, "co_purchase": 0, "trending_in_category": 0, "new_item_in_category": 0}},
    "no_item_item": {"weights": {"item_item": 0}},
    "no_trending": {"weights": {"trending_in_category": 0}},
    "new_items_x2": {"weights": {"new_item_in_category": 0.6}},
    "als_bm25_64f": {"weighting": "bm25", "factors": 64, "regularization": 0.05, "alpha": 1.0},
}


def validation_split(data: RecsData, params: dict[str, Any]):
    """The outer split's training part, split again at the same hold-out length."""
    outer = TASK.split(data, params)
    return TASK.split(outer.train, params)


def compare_candidates(data: RecsData, candidates: dict[str, dict[str, Any]] = CANDIDATES,
                       params: dict[str, Any] | None = None) -> dict[str, dict[str, float]]:
    params = {**TASK.default_params, **(params or {})}
    inner = validation_split(data, params)
    out = {}
    for name, override in candidates.items():
        merged = {**params, **override, "weights": {**params["weights"], **override.get("weights", {})}}
        ev = TASK.evaluate(TASK.fit(inner.train, merged), inner, merged)
        out[name] = {"p@10": ev.value, "baseline_p@10": ev.baseline, "ndcg@10": ev.metrics["ndcg_at_10"],
                     "coverage@10": ev.metrics["coverage_at_10"]}
    return out


def main() -> None:
    print(json.dumps(compare_candidates(load(warehouse_client())), indent=2))


if __name__ == "__main__":
    main()
