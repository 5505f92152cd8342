"""How good the elasticities are: against the simulator's true elasticities when the run has them (the truth
directory's categories.parquet), and always on a later hold-out window: units predicted at the prices actually
charged vs units sold (WAPE), stock-out days left out because their sales are censored.

Primary metric: `elasticity_mare` (mean absolute relative error of the category elasticities, lower is better)
when the truth is known, else `holdout_wape` (lower is better). The naive log-log baseline is fitted on the
same training rows in the same run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from models.base import Evaluation, Split
from models.pricing.baseline import NaiveLogLog, SkuMeanRate
from models.pricing.columns import validate

WITHIN = 0.20


def truth_elasticities(truth_dir: str | Path) -> dict[str, float]:
    """Category id -> the elasticity the simulator planted (STACK_DIR/simulator/<run-id>/categories.parquet)."""
    cats = pd.read_parquet(Path(truth_dir) / "categories.parquet", columns=["category_id", "elasticity"])
    return dict(zip(cats["category_id"].astype(str), cats["elasticity"].astype(float)))


def elasticity_errors(estimates: dict[str, float], truth: dict[str, float]) -> pd.DataFrame:
    """Per category with a true value: estimate, truth and |estimate / truth - 1| (NaN estimate = not found)."""
    cats = sorted(truth)
    est = np.array([estimates.get(c, np.nan) for c in cats], dtype=float)
    true = np.array([truth[c] for c in cats], dtype=float)
    return pd.DataFrame({"category_id": cats, "estimate": est, "truth": true, "rel_error": np.abs(est / true - 1)})


def summary(errors: pd.DataFrame) -> dict[str, float]:
    rel = errors["rel_error"].fillna(np.inf)
    return {"elasticity_mare": float(np.mean(np.minimum(rel, 10.0))), "share_within_20pct": float(np.mean(rel <= WITHIN)),
            "elasticity_median_rel_error": float(np.median(rel))}


def holdout_rows(holdout: pd.DataFrame) -> pd.DataFrame:
    df = validate(holdout, what="hold-out")
    return df[df["stockout"] == 0].reset_index(drop=True)


def wape(model: Any, rows: pd.DataFrame) -> float:
    actual = rows["units"].to_numpy(float)
    return float(np.sum(np.abs(model.predict_units(rows) - actual)) / max(np.sum(actual), 1.0))


def truth_of(split: Split) -> dict[str, float] | None:
    ctx = split.context
    if ctx.get("truth_elasticities"):
        return {str(k): float(v) for k, v in ctx["truth_elasticities"].items()}
    return truth_elasticities(ctx["truth_dir"]) if ctx.get("truth_dir") else None


def score(model: Any, split: Split) -> float:
    """The primary metric of any model with `category_elasticity` and `predict_units` on this split."""
    truth = truth_of(split)
    if truth is not None:
        return summary(elasticity_errors(model.category_elasticity, truth))["elasticity_mare"]
    return wape(model, holdout_rows(split.holdout))


def evaluate(model: Any, split: Split, params: dict[str, Any]) -> Evaluation:
    ramp = int(params.get("ramp_days", 28))
    naive, flat = NaiveLogLog.fit(split.train, ramp), SkuMeanRate.fit(split.train, ramp)
    rows = holdout_rows(split.holdout)
    metrics = {"holdout_wape": wape(model, rows), "baseline_holdout_wape": wape(naive, rows),
               "sku_mean_holdout_wape": wape(flat, rows), "holdout_rows": float(len(rows)),
               "holdout_units": float(rows["units"].sum())}
    notes = [f"hold-out {split.window.get('cut')} .. {split.window.get('holdout_end')}, stock-out days excluded"]
    truth = truth_of(split)
    if truth is None:
        notes.append("no ground truth: primary metric is hold-out WAPE at the prices charged")
        return Evaluation("holdout_wape", metrics["holdout_wape"], metrics["baseline_holdout_wape"], False,
                          metrics, notes)
    ours, theirs = elasticity_errors(model.category_elasticity, truth), elasticity_errors(naive.category_elasticity, truth)
    metrics.update(summary(ours))
    metrics.update({f"baseline_{k}": v for k, v in summary(theirs).items() if k != "elasticity_mare"})
    metrics.update({f"rel_error_{c}": float(e) for c, e in zip(ours["category_id"], ours["rel_error"])})
    metrics["constant_minus1_elasticity_mare"] = summary(elasticity_errors({c: -1.0 for c in truth}, truth))[
        "elasticity_mare"]
    return Evaluation("elasticity_mare", metrics.pop("elasticity_mare"), summary(theirs)["elasticity_mare"], False,
                      metrics, notes)
