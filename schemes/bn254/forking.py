"""Splitting big multi-scalar jobs between forked processes.

Children are forked (they share the parent's memory, so nothing is pickled on the way in) and
send their result back through a pipe; a task whose child cannot start or fails is recomputed
in the parent, so errors surface in the caller. ``workers`` or the environment variable
``SCHEMES_MSM_WORKERS`` sets the count (default: min(2, usable CPUs)); a process that already
runs threads, or is itself a worker, stays single (forking a threaded process can deadlock).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Callable, Optional

#: Below this many estimated additions the work is not split between processes.
PARALLEL_MIN_ADDS = 1 << 15


class WorkerCountError(ValueError):
    """A malformed ``workers`` argument or ``SCHEMES_MSM_WORKERS`` value."""


__all__ = ["PARALLEL_MIN_ADDS", "WorkerCountError", "default_workers", "worker_count", "run_tasks", "split_costs"]

def default_workers() -> int:
    env = os.environ.get("SCHEMES_MSM_WORKERS", "").strip()
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise WorkerCountError(f"SCHEMES_MSM_WORKERS must be an integer, got {env!r}") from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    return min(2, cpus)


def worker_count(workers: Optional[int], adds: float) -> int:
    """Processes to use: ``workers`` if given, else the default when the job is big enough.
    Forking needs the ``fork`` start method and no other threads (forking a threaded process
    can deadlock the child)."""
    if workers is None:
        workers = default_workers() if adds >= PARALLEL_MIN_ADDS else 1
    elif isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise WorkerCountError(f"workers must be a positive integer, got {workers!r}")
    if workers > 1 and (
        "fork" not in multiprocessing.get_all_start_methods()
        or _other_threads()
        or multiprocessing.parent_process() is not None
    ):
        return 1
    return workers


def _other_threads() -> bool:
    """Whether threads besides this one run (then forking is refused)."""
    return threading.active_count() > 1


def _child(conn, func: Callable, args: tuple) -> None:
    try:
        result = ("ok", func(*args))
    except BaseException as exc:  # reported to the parent, which recomputes and raises
        result = ("error", repr(exc))
    conn.send(result)
    conn.close()


def _start_child(ctx, func: Callable, args: tuple):
    """(process, receiving end) computing func(*args) in a forked child, or None if the fork
    fails (then the caller computes it)."""
    recv, send = ctx.Pipe(duplex=False)
    try:
        proc = ctx.Process(target=_child, args=(send, func, args), daemon=True)
        proc.start()
    except OSError:
        recv.close()
        return None
    finally:
        send.close()
    return proc, recv


def run_tasks(tasks: list) -> list:
    """Results of ``[(func, args), ...]``: tasks[1:] run in forked children (which share the
    parent's memory, so nothing is pickled on the way in), tasks[0] here. A task whose child
    cannot start or fails is recomputed here, so errors surface in the caller."""
    if len(tasks) == 1:
        func, args = tasks[0]
        return [func(*args)]
    ctx = multiprocessing.get_context("fork")
    children = []
    try:
        for func, args in tasks[1:]:
            children.append(_start_child(ctx, func, args))
        func, args = tasks[0]
        results = [func(*args)]
        for child, (func, args) in zip(children, tasks[1:]):
            status, value = "none", None
            if child is not None:
                proc, recv = child
                try:
                    status, value = recv.recv()
                except (EOFError, OSError):
                    pass
                proc.join()
            results.append(value if status == "ok" else func(*args))
        return results
    finally:
        for child in children:
            if child is not None:
                proc, recv = child
                if proc.is_alive():
                    proc.kill()
                    proc.join()
                recv.close()


def split_costs(costs: list, parts: int) -> list:
    """Indices of ``costs`` in ``parts`` groups of similar total (largest first, greedy)."""
    groups = [[] for _ in range(parts)]
    loads = [0.0] * parts
    for i in sorted(range(len(costs)), key=lambda i: -costs[i]):
        g = loads.index(min(loads))
        groups[g].append(i)
        loads[g] += costs[i]
    return [sorted(g) for g in groups if g]
