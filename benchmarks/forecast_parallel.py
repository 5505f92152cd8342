"""Forecast training wall time, parallel vs sequential in the same run, and peak memory of the process tree.

    .venv/bin/python -m benchmarks.forecast_parallel [--prophet-skus 200] [--n-jobs 2] [--horizon 28]

Reads the warehouse (dataset.load). Two workloads: (1) Prophet forced on the `prophet-skus` best-selling SKUs
(on the default world every SKU is intermittent, so the model's own rule would send none to Prophet and there
would be nothing to parallelise); (2) the model as configured (the rule) on every SKU. Each is trained with
n_jobs=1 (the baseline) and n_jobs=N, then predicts `horizon` days. Peak RSS sums this process and its workers,
sampled every 50 ms (psutil), since joblib's workers are separate processes.
"""
from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

from benchmarks.memory import tree_peak_mb
from kernel.warehouse import warehouse_client
from models.forecasting import dataset, train

console = Console(width=160)


def measure(name: str, sales, params: dict, horizon: int) -> dict:
    with tree_peak_mb() as mem:
        started = time.perf_counter()
        model = train(sales, params)
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        model.predict(horizon, n_jobs=params["n_jobs"])
        predict_s = time.perf_counter() - started
    methods = {m: sum(f.method == m for f in model.skus.values()) for m in ("prophet", "tsb")}
    return {"run": name, "skus": len(model.skus), **methods, "fit_s": fit_s, "predict_s": predict_s,
            "total_s": fit_s + predict_s, "peak_rss_mb": mem["mb"]}


def print_table(title: str, rows: list[dict]) -> None:
    cols = list(rows[0])
    table = Table(title=title)
    for col in cols:
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(*(f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in cols))
    console.print(table)
    console.print(f"speed-up parallel/sequential: {rows[0]['total_s'] / rows[1]['total_s']:.2f}x (fit + predict)")


def run(prophet_skus: int, n_jobs: int, horizon: int) -> None:
    data = dataset.load(warehouse_client())
    sales = data.sales
    top = sales.groupby("sku")["y"].sum().nlargest(prophet_skus).index
    forced = {"min_history_days": 1, "max_zero_share": 1.0}
    subset = sales[sales["sku"].isin(top)]
    console.print(f"window {sales['ds'].min():%Y-%m-%d}..{sales['ds'].max():%Y-%m-%d}, "
                  f"{sales['sku'].nunique()} SKUs with sales; Prophet forced on the top {len(top)}")
    rows = [measure(f"prophet x{len(top)} n_jobs=1", subset, {**forced, "n_jobs": 1}, horizon),
            measure(f"prophet x{len(top)} n_jobs={n_jobs}", subset, {**forced, "n_jobs": n_jobs}, horizon)]
    print_table(f"Prophet on {len(top)} SKUs, {horizon}-day forecast", rows)
    rows = [measure("rule, all SKUs n_jobs=1", sales, {"n_jobs": 1}, horizon),
            measure(f"rule, all SKUs n_jobs={n_jobs}", sales, {"n_jobs": n_jobs}, horizon)]
    print_table(f"the configured model on every SKU, {horizon}-day forecast", rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prophet-skus", type=int, default=200)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=28)
    args = parser.parse_args()
    run(args.prophet_skus, args.n_jobs, args.horizon)


if __name__ == "__main__":
    main()
