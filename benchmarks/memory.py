"""Peak memory of a benchmarked block, children included (joblib/multiprocessing workers, whose memory this
process's own ru_maxrss never sees)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psutil


@contextmanager
def tree_peak_mb(interval_s: float = 0.05) -> Iterator[dict[str, float]]:
    """Yields a dict whose 'mb' is the peak resident memory of this process plus its children, sampled every
    `interval_s`, while the block ran."""
    me, out, done = psutil.Process(), {"mb": 0.0}, threading.Event()

    def sample() -> None:
        while not done.is_set():
            total = 0
            for proc in (me, *me.children(recursive=True)):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            out["mb"] = max(out["mb"], total / 2**20)
            done.wait(interval_s)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield out
    finally:
        done.set()
        thread.join()
