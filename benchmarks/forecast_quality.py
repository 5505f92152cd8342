"""Forecast quality on the warehouse's world: the task's split → fit → rolling-origin evaluation, as the pipeline
runs it, beside an oracle reference read from the simulator's ground truth (when present).

    .venv/bin/python -m benchmarks.forecast_quality [--max-skus N] [--run-id RUN]

The oracle forecasts each SKU-day with the simulator's true expected demand: no forecaster can know more. Its
MASE shows what the metric allows on this data (on intermittent series even the truth loses to an all-zero
forecast on MAE); it is a reference only, never used for fitting or tuning.
"""
from __future__ import annotations

import argparse
import time

import pandas as pd
from rich.console import Console

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from models.forecasting import dataset
from models.forecasting.evaluate import scaled_errors, summarize
from models.forecasting.task import TASK

console = Console(width=160)


def oracle(split, run_id: str | None) -> dict[str, float] | None:
    base = common_settings().stack_dir / "simulator"
    runs = sorted(p for p in base.glob("*") if (p / "demand.parquet").exists()) if base.exists() else []
    chosen = base / run_id if run_id else (runs[-1] if runs else None)
    if chosen is None or not (chosen / "demand.parquet").exists():
        return None
    truth = pd.read_parquet(chosen / "demand.parquet", columns=["date", "sku", "expected"])
    truth = truth.rename(columns={"date": "ds"}).set_index(["sku", "ds"])["expected"]
    ctx, rows = split.context, []
    sales = ctx["sales"][ctx["sales"]["sku"].isin(ctx["eval_skus"])]
    for cut in ctx["origins"]:
        end = cut + pd.Timedelta(days=ctx["fold_days"])
        for sku, one in sales.groupby("sku"):
            fold = one[(one["ds"] >= cut) & (one["ds"] < end)]
            keys = pd.MultiIndex.from_arrays([[sku] * len(fold), fold["ds"]])
            y, best = fold["y"].to_numpy(), truth.reindex(keys).fillna(0.0).to_numpy()
            past = one.loc[one["ds"] < cut, "y"].to_numpy()
            errs = scaled_errors(y, past, {"model": best, "baseline": best, "zero": 0 * y})
            rows.append({"sku": sku, "cut": cut, **errs})
    return summarize(pd.DataFrame(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-skus", type=int, default=None, help="fixed-seed sample of evaluated SKUs")
    parser.add_argument("--run-id", default=None, help="simulator run under .stack/simulator (default: newest)")
    args = parser.parse_args()
    params = {**TASK.default_params, "eval_max_skus": args.max_skus}
    started = time.perf_counter()
    data = dataset.load(warehouse_client())
    split = TASK.split(data, params)
    model = TASK.fit(split.train, params)
    fitted = time.perf_counter()
    ev = TASK.evaluate(model, split, params)
    done = time.perf_counter()
    console.print(f"window {split.window}; load+fit {fitted - started:.1f}s, evaluate {done - fitted:.1f}s")
    console.print(f"primary {ev.metric} = {ev.value:.4f} vs seasonal naive {ev.baseline:.4f} "
                  f"(lower is better; beats baseline: {ev.beats_baseline})")
    for key, value in ev.metrics.items():
        console.print(f"  {key:40s} {value:.4f}")
    for note in ev.notes:
        console.print(f"  note: {note}")
    reference = oracle(split, args.run_id)
    if reference:
        console.print("oracle (true expected demand), same SKUs and rolling folds:")
        for key in ("median_mase", "share_mase_lt_1", "median_rmsse", "share_rmsse_lt_1", "mean_mase",
                    "zero_forecast_median_mase"):
            console.print(f"  {key:40s} {reference[key]:.4f}")


if __name__ == "__main__":
    main()
