"""Run a function over a stream of items in worker processes, bounded in memory."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _warm_up() -> None:
    """Import the worker-side modules ahead of the first real task."""
    import textreuse.stages.alignment
    import textreuse.stages.fingerprint  # noqa: F401


#: Allocations between two young-generation collections in a worker (Python's
#: default is 700): the workers allocate millions of short-lived objects, and
#: reference counting frees nearly all of them.
WORKER_GC_THRESHOLD = 20_000


def _start_worker() -> None:
    """Each worker, as it starts: the objects inherited from the parent are moved out
    of the collector's reach (never collected, and never touched, so their pages stay
    shared), and young objects are collected less often."""
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


#: Where a Linux control group (a container) states its memory limit.
CGROUP_MEMORY_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def memory_bytes() -> int | None:
    """The memory this process may use: the machine's, or its control group's
    limit when lower; None when the system does not say."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return None
    for path in CGROUP_MEMORY_LIMITS:
        try:
            with open(path, encoding="ascii") as handle:
                limit = handle.read().strip()
        except OSError:
            continue
        if limit.isdigit():
            total = min(total, int(limit))
    return total


def worker_memory_share(share: float) -> int | None:
    """``share`` of :func:`memory_bytes`, divided among as many workers as there
    are cores (the most a run starts); None when the memory is not known."""
    total = memory_bytes()
    if total is None:
        return None
    from textreuse.config import default_threads

    return int(total * share / default_threads())


def _start_method() -> str:
    """``fork`` on Linux, ``spawn`` elsewhere.

    The pool is made, and all its workers started, at the beginning of a run,
    before DuckDB or Arrow start any thread, so forking is safe; unlike
    ``spawn`` and ``forkserver`` it does not re-run the caller's ``__main__``,
    so ``textreuse.run`` works from a plain script without a main guard.
    """
    return "fork" if sys.platform.startswith("linux") else "spawn"


class WorkerPool:
    """A process pool created once per run (``threads`` = 1 runs inline)."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool: ProcessPoolExecutor | None = None
        if threads > 1:
            context = multiprocessing.get_context(_start_method())
            self._pool = ProcessPoolExecutor(
                max_workers=threads, mp_context=context, initializer=_start_worker
            )
            # start every worker now: before any engine thread exists, and so
            # that their start-up overlaps the first stage
            for _ in range(threads):
                self._pool.submit(_warm_up)

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each item; results come as they finish.

        At most ``2 * threads`` items are in flight, so a long stream never
        piles up in memory.
        """
        if self._pool is None:
            for item in items:
                yield fn(item)
            return
        pending: set[Future[R]] = set()
        limit = 2 * self.threads
        for item in items:
            pending.add(self._pool.submit(fn, item))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

    def map_ordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to each item; results come in the items' order.

        At most ``2 * threads`` items are in flight, as in :meth:`map_unordered`.
        """
        if self._pool is None:
            for item in items:
                yield fn(item)
            return
        pending: deque[Future[R]] = deque()
        limit = 2 * self.threads
        for item in items:
            pending.append(self._pool.submit(fn, item))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
