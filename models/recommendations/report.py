"""The figures on the warehouse, from the command line, and how parameters are chosen without the hold-out.

    .venv/bin/python -m models.recommendations.report             # hold-out: model vs popularity (the pipeline's)
    .venv/bin/python -m models.recommendations.report --validate  # candidates on a validation cut inside training
    (add --until 2026-12-03 to pin the window of the default simulated world while live shoppers keep buying)

Validation applies the task's time split again inside the training part (train before an inner cut, validate
up to the real cut), each candidate scored against popularity there; the hold-out is only ever scored.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone
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


def holdout_report(data: RecsData, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the pipeline computes: split, fit on train, evaluate model and popularity on the hold-out."""
    params = {**TASK.default_params, **(params or {})}
    split = TASK.split(data, params)
    started = time.perf_counter()
    model = TASK.fit(split.train, params)
    fit_seconds = time.perf_counter() - started
    ev = TASK.evaluate(model, split, params)
    return {"window": split.window, "fit_seconds": round(fit_seconds, 2), "lift": ev.value / ev.baseline,
            **ev.all_metrics()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--validate", action="store_true")
    parser.add_argument("--until", type=datetime.fromisoformat, default=None,
                        help="ignore interactions from this UTC time on (live traffic keeps moving the cut)")
    args = parser.parse_args()
    until = args.until.replace(tzinfo=args.until.tzinfo or timezone.utc) if args.until else None
    data = load(warehouse_client(), until=until)
    print(json.dumps(compare_candidates(data) if args.validate else holdout_report(data), indent=2, default=str))


if __name__ == "__main__":
    main()
