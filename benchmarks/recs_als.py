"""ALS training time and peak memory on synthetic interactions, against baselines measured in the same run.

    .venv/bin/python -m benchmarks.recs_als [--interactions 1000000] [--users 100000] [--items 20000]

Each case runs in a fresh process so its peak RSS is its own (a process's high-water mark never goes down).
Cases: popularity (the baseline every model must beat, and the cheapest fit), ALS on a tenth of the data, ALS
on all of it, and the full blended `train()` on all of it (ALS + co-purchase + trending; EASE is skipped above
its catalog cap).
"""
from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: implicit wants a single-threaded BLAS

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

console = Console(width=160)


def _case(name: str, n: int, users: int, items: int, queue) -> None:
    from models.recommendations.strategies import fit_als
    from models.recommendations.interactions import prepare
    from models.recommendations.synthetic import large
    from models.recommendations.train import DEFAULT_PARAMS, train

    frame = large(n, users, items)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if name == "popularity":
        frame.groupby("item_id")["weight"].sum().nlargest(100)
    elif name.startswith("als"):
        fit_als(prepare(frame).matrix(), DEFAULT_PARAMS)
    else:
        train(frame)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"case": name, "interactions": n, "seconds": seconds, "peak_mb": peak / 1024,
               "fit_extra_mb": (peak - base_rss) / 1024})


def measure(name: str, n: int, users: int, items: int) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_case, args=(name, n, users, items, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    n, tenth = args.interactions, args.interactions // 10
    rows = [measure("popularity", n, args.users, args.items), measure("als (1/10 data)", tenth, args.users, args.items),
            measure("als", n, args.users, args.items), measure("train() blended", n, args.users, args.items)]
    table = Table(title=f"recommendations fit — {args.users:,} users × {args.items:,} items, {os.cpu_count()} cores")
    for col in ("case", "interactions", "seconds", "peak_mb", "fit_extra_mb"):
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(row["case"], f"{row['interactions']:,}", f"{row['seconds']:.2f}", f"{row['peak_mb']:.0f}",
                      f"{row['fit_extra_mb']:.0f}")
    console.print(table)
    pop, small, full = rows[0], rows[1], rows[2]
    console.print(f"ALS {n:,}: {full['seconds']:.1f} s (goal < 30 s) = "
                  f"{full['seconds'] / small['seconds']:.1f}x ALS on "
                  f"{tenth:,}, {full['seconds'] / max(pop['seconds'], 1e-9):.0f}x popularity; "
                  f"fit memory +{full['fit_extra_mb']:.0f} MB vs +{small['fit_extra_mb']:.0f} MB")


if __name__ == "__main__":
    main()
