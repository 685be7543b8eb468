"""Extract HTML pages in worker processes, in input order, with a per-page timeout.

:class:`PageExtractor` maps :func:`textreuse.io.html.extract_page` over a stream of
items. Items that are not :class:`~textreuse.io.html.PageTask` (records that are ready,
such as ``.txt`` files in the same folder) pass through untouched, so the output keeps
the input order. At most ``4 * threads`` items are in flight, so a long stream never piles
up in memory.

Pages always run in worker processes (``threads`` of them, at least one), never in the
caller: a page whose extraction runs past ``timeout`` seconds has its worker killed and
replaced (pebble), and comes back as a :class:`~textreuse.io.html.PageResult` whose
``error`` says so. The pool starts with the first page, so inputs without HTML start no
process.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

from textreuse.errors import ConfigError
from textreuse.io.html import Extractor, PageResult, PageTask, extract_page

__all__ = ["PageExtractor"]

T = TypeVar("T")


def _warm_up() -> None:
    """Import the extractor in each new worker before its first page."""
    import trafilatura  # noqa: F401


class PageExtractor:
    """Extract pages in ``threads`` worker processes; ``timeout`` seconds per page.

    The workers start with the first page and live until :meth:`close` (or until a
    :meth:`map` stops early), so several calls of :meth:`map` share them. ``extract``
    replaces trafilatura (it must be a module-level function, to reach the workers);
    tests use it to inject slow or failing extractors.
    """

    def __init__(self, threads: int = 1, timeout: float = 30.0, extract: Extractor | None = None):
        if not isinstance(threads, int) or threads < 1:
            raise ConfigError(f"threads must be a whole number of at least 1, got {threads!r}")
        if not timeout > 0:
            raise ConfigError(f"page_timeout must be more than 0 seconds, got {timeout!r}")
        self.threads = threads
        self.timeout = float(timeout)
        self.extract = extract
        self._pool: Any = None

    def map(
        self, items: Iterable[T | PageTask]
    ) -> Iterator[tuple[T | PageTask, PageResult | None]]:
        """Yield ``(item, result)`` in input order; ``result`` is None for non-page items."""
        pending: deque[tuple[T | PageTask, Future[PageResult] | None]] = deque()
        window = 4 * self.threads
        try:
            for item in items:
                future = self._submit(item) if isinstance(item, PageTask) else None
                pending.append((item, future))
                while pending and (len(pending) >= window or _ready(pending[0][1])):
                    yield self._finish(*pending.popleft())
            while pending:
                yield self._finish(*pending.popleft())
        except BaseException:  # includes GeneratorExit: the caller stopped early
            self.close(abort=True)
            raise

    def close(self, abort: bool = False) -> None:
        """Stop the workers (``abort``: without waiting for running pages)."""
        if self._pool is None:
            return
        if abort:
            self._pool.stop()
        else:
            self._pool.close()
        self._pool.join()
        self._pool = None

    def _submit(self, task: PageTask) -> Future[PageResult]:
        if self._pool is None:
            from pebble import ProcessPool

            self._pool = ProcessPool(
                max_workers=self.threads,
                initializer=_warm_up,
                context=multiprocessing.get_context("forkserver"),
            )
        future: Future[PageResult] = self._pool.schedule(
            extract_page, args=(task, self.extract), timeout=self.timeout
        )
        return future

    def _finish(
        self, item: T | PageTask, future: Future[PageResult] | None
    ) -> tuple[T | PageTask, PageResult | None]:
        if future is None:
            return item, None
        from pebble import ProcessExpired

        try:
            return item, future.result()
        except TimeoutError:
            reason = f"extraction timed out after {self.timeout:g} s; the worker was stopped"
        except ProcessExpired as exc:
            reason = f"extraction worker died (exit code {exc.exitcode})"
        except Exception as exc:
            reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return item, PageResult(error=reason)


def _ready(future: Future[PageResult] | None) -> bool:
    return future is None or future.done()
