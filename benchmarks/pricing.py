"""Price elasticity on the simulated world in the warehouse, against the simulator's planted elasticities.

    .venv/bin/python -m benchmarks.pricing [--truth-dir .stack/simulator/<run-id>] [--holdout-days 28]

Reads the warehouse (models.pricing.dataset.load), holds out the last days, fits the model on the rest and
prints, in the same run: per-category relative elasticity errors of the model, of the naive log-log baseline
and of the model without controls (no promo, season, trend terms), the share within 20 %, SKU-level errors
(pooled SKU estimates vs their category's estimate), hold-out WAPE at the prices charged, and a ratio.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from models.pricing import fit
from models.pricing.baseline import NaiveLogLog, SkuMeanRate
from models.pricing.dataset import load
from models.pricing.evaluate import elasticity_errors, holdout_rows, summary, truth_elasticities, wape
from models.pricing.task import TASK, suggestions


def newest_run() -> Path:
    runs = sorted((common_settings().stack_dir / "simulator").glob("*/categories.parquet"),
                  key=lambda p: p.stat().st_mtime)
    if not runs:
        raise SystemExit("no simulator run with ground truth under STACK_DIR/simulator")
    return runs[-1].parent


def sku_errors(model, truth_dir: Path) -> dict[str, float]:
    """Per-SKU elasticity vs the planted one: the pooled SKU estimate and its category's estimate."""
    truth = pd.read_parquet(truth_dir / "skus.parquet", columns=["sku", "elasticity"]).rename(
        columns={"elasticity": "truth"})
    est = model.elasticities.merge(truth, on="sku")
    est["category_est"] = est["category_id"].map(model.category_elasticity)
    rel = lambda col: np.abs(est[col] / est["truth"] - 1)  # noqa: E731
    return {"skus": len(est), "sku_pooled_mare": float(rel("elasticity").mean()),
            "sku_category_only_mare": float(rel("category_est").mean()),
            "sku_pooled_within20": float((rel("elasticity") <= 0.2).mean())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth-dir", type=Path, default=None)
    ap.add_argument("--holdout-days", type=int, default=28)
    args = ap.parse_args()
    truth_dir = args.truth_dir or newest_run()
    t0 = time.perf_counter()
    data = load(warehouse_client())
    t_load = time.perf_counter() - t0
    split = TASK.split(data, {"holdout_days": args.holdout_days, "truth_dir": str(truth_dir)})
    t0 = time.perf_counter()
    model = fit(split.train)
    t_fit = time.perf_counter() - t0
    no_controls = fit(split.train, {"controls": False})
    naive = NaiveLogLog.fit(split.train)
    truth = truth_elasticities(truth_dir)
    names = pd.read_parquet(truth_dir / "categories.parquet", columns=["category_id", "name"])
    table = elasticity_errors(model.category_elasticity, truth).merge(names, on="category_id")
    table["se"] = table["category_id"].map(model.categories.set_index("category_id")["se"])
    table["no_controls"] = table["category_id"].map(no_controls.category_elasticity)
    table["naive"] = table["category_id"].map(naive.category_elasticity)
    for col in ("no_controls", "naive"):
        table[f"{col}_rel"] = np.abs(table[col] / table["truth"] - 1)
    print(f"truth: {truth_dir}  rows: {len(data)}  units: {int(data['units'].sum())}  window: {split.window}")
    print(f"load {t_load:.1f}s  fit {t_fit:.1f}s  diagnostics: {model.diagnostics}")
    print(table[["name", "truth", "estimate", "se", "rel_error", "no_controls", "no_controls_rel", "naive",
                 "naive_rel"]].round(3).to_string(index=False))
    ours = summary(table[["rel_error"]])
    rows = holdout_rows(split.holdout)
    figures = {
        "model": ours, "no_controls": summary(table.rename(columns={"no_controls_rel": "r"})[["r"]].rename(
            columns={"r": "rel_error"})),
        "naive_loglog": summary(table[["naive_rel"]].rename(columns={"naive_rel": "rel_error"})),
        "constant_-1": summary(elasticity_errors({c: -1.0 for c in truth}, truth)),
    }
    for name, fig in figures.items():
        print(f"{name:>14}: MARE {fig['elasticity_mare']:.3f}  within 20% {fig['share_within_20pct']:.0%}  "
              f"median {fig['elasticity_median_rel_error']:.3f}")
    print("SKU level:", {k: round(v, 3) for k, v in sku_errors(model, truth_dir).items()})
    print(f"hold-out WAPE (daily, stock-outs excluded): model {wape(model, rows):.3f}  naive {wape(naive, rows):.3f}"
          f"  sku-mean {wape(SkuMeanRate.fit(split.train), rows):.3f}")
    print(f"ratio naive/model MARE: {figures['naive_loglog']['elasticity_mare'] / ours['elasticity_mare']:.1f}x")
    s = suggestions(model)
    print("suggestions:", len(s), dict(s["binding"].value_counts()), f"median confidence {s['confidence'].median():.2f}")


if __name__ == "__main__":
    main()
