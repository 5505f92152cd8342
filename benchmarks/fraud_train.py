"""Fraud model on the simulated world: load (Feast fraud_v1 point-in-time + warehouse context + ground truth),
out-of-time split, train, and the model against the risk team's rules on the same hold-out, in the same run.

    .venv/bin/python -m benchmarks.fraud_train [--truth-dir .stack/simulator/<run-id>] [--cache frame.parquet]

Needs the local stack up, the world backfilled into the warehouse and `mkt features apply` done. Prints load and
train time, peak memory of training (Python allocations via tracemalloc, and the process's peak RSS), scoring
throughput, ROC-AUC / PR-AUC / recall at 1% FPR of both, and the thresholds the model chose.
"""
from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from models.fraud import dataset
from models.fraud.evaluate import metrics
from models.fraud.rules import RulesModel
from models.fraud.task import TASK
from streams.realtime_features.feast_store import open_store

console = Console(width=140)


def latest_truth_dir() -> Path:
    runs = sorted((common_settings().stack_dir / "simulator").glob("*/orders.parquet"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise SystemExit("no simulator ground truth under STACK_DIR/simulator/: backfill a world first")
    return runs[-1].parent


def load(truth_dir: Path, cache: Path | None) -> tuple[pd.DataFrame, float]:
    if cache and cache.exists():
        return pd.read_parquet(cache), 0.0
    started = time.perf_counter()
    frame = dataset.load(open_store(), warehouse_client(), truth_dir)
    seconds = time.perf_counter() - started
    if cache:
        frame.to_parquet(cache, index=False)
    return frame, seconds


def timed_fit(train: pd.DataFrame, params: dict) -> tuple[object, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    model = TASK.fit(train, params)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return model, seconds, peak


def timed_score(model, frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    started = time.perf_counter()
    scored = model.score(frame)
    return scored, len(frame) / (time.perf_counter() - started)


def report(split, model, ev, fit_s: float, peak_mb: float, load_s: float) -> None:
    y = split.holdout["is_fraud"].to_numpy()
    ours, ours_rate = timed_score(model, split.holdout)
    rules, rules_rate = timed_score(RulesModel(), split.holdout)
    a, b = metrics(y, ours["score"].to_numpy()), metrics(y, rules["score"].to_numpy())
    table = Table(title=f"hold-out {split.window} — {len(y)} orders, {int(y.sum())} fraudulent")
    for column in ("", "LightGBM (fraud_v1 + context + rules)", "rules alone", "ratio"):
        table.add_column(column, justify="right")
    for name in ("roc_auc", "pr_auc", "recall_at_1pct_fpr"):
        table.add_row(name, f"{a[name]:.3f}", f"{b[name]:.3f}", f"{a[name] / max(b[name], 1e-9):.2f}x")
    table.add_row("scoring rows/s", f"{ours_rate:,.0f}", f"{rules_rate:,.0f}", f"{ours_rate / rules_rate:.2f}x")
    console.print(table)
    t = model.thresholds
    console.print(f"thresholds: review >= {t.review:.4f}, reject >= {t.reject:.4f} (targets {t.target}); "
                  f"on the validation slice {({k: round(v, 3) for k, v in t.achieved.items()})}")
    console.print({k: round(v, 3) for k, v in ev.metrics.items() if "recall" in k or "fpr" in k})
    console.print(f"overrides: {model.overrides}; train info {model.info}")
    console.print(f"load {load_s:.1f} s (0 = cached); train {fit_s:.1f} s, rules 'train' 0 s; peak Python memory "
                  f"in training {peak_mb:.0f} MiB; process peak RSS "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    console.print("example reasons (riskiest hold-out orders):")
    for _, row in ours.sort_values("score", ascending=False).head(5).iterrows():
        console.print(f"  {row['score']:.3f} {row['decision']:7s} {row['reasons']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth-dir", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="parquet file to reuse the loaded frame")
    args = parser.parse_args()
    frame, load_s = load(args.truth_dir or latest_truth_dir(), args.cache)
    console.print(f"{len(frame)} orders, {int(frame['is_fraud'].sum())} fraudulent, "
                  f"{frame['event_timestamp'].min()} .. {frame['event_timestamp'].max()}")
    params = dict(TASK.default_params)
    split = TASK.split(frame, params)
    model, fit_s, peak_mb = timed_fit(split.train, params)
    ev = TASK.evaluate(model, split, params)
    report(split, model, ev, fit_s, peak_mb, load_s)


if __name__ == "__main__":
    main()
