"""Timing and memory helpers shared by the benchmark scripts (baselines run in the same process)."""

from __future__ import annotations

import gc
import time
import tracemalloc


def best_time(func, repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds (garbage collected before each)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def paired_times(func, baseline, repeat: int) -> tuple[float, float]:
    """Best times of ``func`` and ``baseline``, run alternately ``repeat`` times each."""
    best, best_base = float("inf"), float("inf")
    for _ in range(repeat):
        best_base = min(best_base, best_time(baseline, 1))
        best = min(best, best_time(func, 1))
    return best, best_base


def peak_memory(func) -> float:
    """Peak traced memory of one call, in MB."""
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6
