"""Memory of the whole local stack: resident memory (USS where readable, else RSS) of every part's process tree
that `mkt stack up` started, plus, with --api-pid, an API process tree (e.g. under benchmarks.purchase_flow load).

    .venv/bin/python -m benchmarks.stack_memory [--api-pid PID]

Prints one line per part and the total, with the goal from issue 12 (< 4 GiB at demo scale) beside it.
"""
from __future__ import annotations

import argparse
import json
import os

import psutil

from kernel.settings import stack_settings

GOAL_GIB = 4.0


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _resident(procs: list[psutil.Process]) -> int:
    total = 0
    for proc in procs:
        try:
            info = proc.memory_full_info()
            total += getattr(info, "uss", 0) or info.rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


def stack_parts() -> dict[str, int]:
    """part name → pid, from the pid files `mkt stack up` writes."""
    parts = {}
    for pid_file in sorted(stack_settings().stack_dir.glob("*/*.pid")):
        try:
            record = json.loads(pid_file.read_text())
            pid = int(record["pid"] if isinstance(record, dict) else record)
        except (ValueError, KeyError, TypeError):
            continue
        if psutil.pid_exists(pid):
            parts[pid_file.stem] = pid
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api-pid", type=int, help="also count this process tree (the API)")
    args = parser.parse_args()
    rows = {name: _resident(_tree(pid)) for name, pid in stack_parts().items()}
    if args.api_pid:
        rows["api"] = _resident(_tree(args.api_pid))
    print(f"cpus: {os.cpu_count()}  load: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, size in sorted(rows.items(), key=lambda kv: -kv[1]):
        print(f"{name:16s} {size / 2**20:9.0f} MiB")
    total = sum(rows.values()) / 2**30
    print(f"{'total':16s} {total:9.2f} GiB   goal < {GOAL_GIB} GiB -> {'met' if total < GOAL_GIB else 'missed'} "
          f"({total / GOAL_GIB:.2f}× the goal)")


if __name__ == "__main__":
    main()
