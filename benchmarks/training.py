"""Training time and peak memory per model kind, on the default world and on a 10× world, in one run.

    .venv/bin/python -m benchmarks.training [--kinds recommendations fraud forecasting pricing] [--scale 1 10]
        [--skip-eval] [--forecast-eval-skus N] [--tracemalloc] [--truth-dir .stack/simulator/<run-id>]

For each kind the training data is loaded once from the warehouse (and Feast + ground truth for fraud), exactly
as the training pipeline loads it (pipelines/defs/training/kinds.py); load time is reported on its own. Each
(kind, world) run then happens in a fresh spawned process, so its peak RSS is its own: TASK.split + TASK.fit
(the "fit" time and the peak RSS — the process's VmHWM, or its process tree sampled if larger — which includes the interpreter, the model libraries and the data itself —
"data MB" is the RSS just before the split), the kind's own baseline fitted on the same training part (recs:
popularity; fraud: the rules, which have nothing to fit, so applying them to the training rows; forecasting:
seasonal naive per SKU; pricing: the naive log-log), then TASK.evaluate (forecasting's evaluation refits on two
more rolling origins, so it costs more than the fit).

The 10× world is NOT a 10× simulation: it is ten disjoint copies of the default world's loaded frames with every
id suffixed per copy and timestamps unchanged (benchmarks/training_worlds.py says why and how). Its "load s" is
the time to build the copies. OPENBLAS_NUM_THREADS=1. The machine has 2 cores shared with other work: timings
are noisy, compare ratios within a run rather than seconds across runs.
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads, and inherited by the spawned runs

import argparse  # noqa: E402
import importlib  # noqa: E402
import multiprocessing as mp  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from benchmarks import training_worlds as worlds  # noqa: E402
from benchmarks.memory import tree_peak_mb  # noqa: E402

KINDS = ("recommendations", "fraud", "forecasting", "pricing")
console = Console(width=200)


def _max_rss_mb() -> float:
    """This process's own high-water RSS. Not ru_maxrss: Linux carries the parent's RSS at fork into the
    child's ru_maxrss across exec, so a spawned run would report the (large) parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def run_one(kind: str, data_path: str, params: dict, skip_eval: bool, trace: bool) -> dict:
    """The body of one fresh process: split + fit (timed, peak memory), baseline, evaluate."""
    task = importlib.import_module(f"models.{kind}.task").TASK
    with open(data_path, "rb") as handle:
        data = pickle.load(handle)
    out = {"data_mb": _max_rss_mb()}
    if trace:
        tracemalloc.start()
    with tree_peak_mb() as tree:
        started = time.perf_counter()
        split = task.split(data, params)
        model = task.fit(split.train, params)
        out["fit_s"] = time.perf_counter() - started
    out["peak_mb"], out["tree_mb"] = _max_rss_mb(), tree["mb"]
    if trace:
        out["py_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    out["baseline"], out["baseline_s"] = _timed(worlds.baseline_fit, kind, split, params)
    if not skip_eval:
        evaluation, out["eval_s"] = _timed(task.evaluate, model, split, params)
        out["metric"] = worlds.primary(evaluation)
    return out


def in_fresh_process(kind: str, data, params: dict, skip_eval: bool, trace: bool, workdir: Path) -> dict:
    """Hands the data over through a pickle file, so the parent does not keep a second serialized copy."""
    path = workdir / f"{kind}.pkl"
    with open(path, "wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
            return pool.submit(run_one, kind, str(path), params, skip_eval, trace).result()
    finally:
        path.unlink(missing_ok=True)


def error_row(kind: str, world: str, exc: BaseException) -> dict:
    return {"kind": kind, "world": world, "error": f"{type(exc).__name__}: {str(exc)[:150]}"}


def bench_kind(kind: str, args, workdir: Path) -> list[dict]:
    """Load once, then one fresh-process run per requested scale; a failure becomes a row, not a crash."""
    console.print(f"[bold]{kind}[/]: loading ...")
    try:
        base, load_s = _timed(worlds.load, kind, args.truth_dir)
    except Exception as exc:  # noqa: BLE001  (any loader failure is reported in the table)
        return [error_row(kind, f"{s}×", exc) for s in args.scale]
    rows = []
    for scale in args.scale:
        world = f"{scale}×"
        try:
            data, build_s = (base, load_s) if scale == 1 else _timed(worlds.replicate, kind, base, scale)
            n, what = worlds.describe(kind, data)
            params = worlds.task_params(kind, args.truth_dir, scale)
            if kind == "forecasting" and args.forecast_eval_skus:
                params["eval_max_skus"] = args.forecast_eval_skus
            console.print(f"  {world}: {n:,} {what}; fitting in a fresh process ...")
            result = in_fresh_process(kind, data, params, args.skip_eval, args.tracemalloc, workdir)
            del data
            rows.append({"kind": kind, "world": world, "rows": n, "what": what, "load_s": build_s,
                         "load_note": "" if scale == 1 else " (copy)", **result})
            console.print(f"    fit {_s(result['fit_s'])} s, eval {_s(result.get('eval_s'))} s, "
                          f"peak RSS {result['peak_mb']:.0f} MB")  # partial figures if a later run is cut
        except Exception as exc:  # noqa: BLE001
            rows.append(error_row(kind, world, exc))
    return rows


def _s(value) -> str:
    return "-" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _cells(row: dict, trace: bool) -> list[str]:
    if "error" in row:
        return [row["kind"], row["world"], f"[red]{row['error']}[/]"] + [""] * (9 + trace)
    peak = max(row["peak_mb"], row["tree_mb"])
    peak_note = " (tree)" if row["tree_mb"] > row["peak_mb"] + 1 else ""
    cells = [row["kind"], row["world"], f"{row['rows']:,}", row["what"], _s(row["load_s"]) + row["load_note"],
             _s(row["fit_s"]), _s(row.get("eval_s")), f"{row['data_mb']:.0f}", f"{peak:.0f}{peak_note}"]
    if trace:
        cells.append(f"{row['py_peak_mb']:.0f}")
    ratio = row["fit_s"] / row["baseline_s"] if row["baseline_s"] > 0 else float("inf")
    return cells + [f"{_s(row['baseline_s'])} {row['baseline']}", f"{ratio:,.1f}x", row.get("metric", "-")]


def print_table(rows: list[dict], trace: bool) -> None:
    table = Table(title="training per model kind: fit = TASK.split + TASK.fit, each in a fresh process")
    columns = ["kind", "world", "rows", "of", "load s", "fit s", "eval s", "data MB", "peak RSS MB"]
    columns += ["py peak MB"] if trace else []
    columns += ["baseline fit s", "fit / baseline", "primary metric: model vs baseline"]
    for name in columns:
        table.add_column(name, justify="left" if name in ("kind", "of", "world") else "right", overflow="fold")
    for row in rows:
        table.add_row(*_cells(row, trace))
    console.print(table)
    ok = {(r["kind"], r["world"]): r for r in rows if "error" not in r}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        one, ten = ok.get((kind, "1×")), ok.get((kind, "10×"))
        if one and ten:
            console.print(f"{kind}: 10× / 1× fit time {ten['fit_s'] / one['fit_s']:.1f}x, peak RSS "
                          f"{max(ten['peak_mb'], ten['tree_mb']) / max(one['peak_mb'], one['tree_mb']):.1f}x")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--scale", nargs="+", type=int, default=[1, 10], help="world sizes (copies): 1 and/or 10")
    parser.add_argument("--skip-eval", action="store_true", help="time split + fit and the baseline only")
    parser.add_argument("--forecast-eval-skus", type=int, default=None,
                        help="cap forecasting's evaluation to a fixed-seed sample of this many SKUs")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also report the peak of Python allocations (slows the fit: times include it)")
    parser.add_argument("--truth-dir", type=Path, default=None, help="simulator run dir (default: the newest run of world.json's world)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    args.truth_dir = args.truth_dir or worlds.default_truth_dir()
    console.print(f"ground truth {args.truth_dir}; worlds {args.scale} (10× = ten id-suffixed copies of the "
                  f"loaded default world, not a simulation); {os.cpu_count()} cores shared: timings are noisy")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-training-") as workdir:
        for kind in args.kinds:
            rows.extend(bench_kind(kind, args, Path(workdir)))
    print_table(rows, args.tracemalloc)


if __name__ == "__main__":
    main()
