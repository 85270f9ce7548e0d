"""Timing helpers of the bench: medians of repeated runs, and the peak resident set."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable

__all__ = ["median_time", "peak_rss_mb"]


def median_time(fn: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Peak resident set of this process in MB (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
