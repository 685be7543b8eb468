"""Progress: rich bars on a terminal, plain log lines otherwise, nothing when quiet."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class Reporter:
    """Reports stages and their progress."""

    def __init__(self, mode: str = "auto") -> None:
        if mode == "auto":
            mode = "bar" if sys.stderr.isatty() else "log"
        self.mode = mode
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._console = Console(stderr=True)
        self._started = time.monotonic()

    def __enter__(self) -> Reporter:
        if self.mode == "bar":
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=False,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            if exc_type is None:
                self._finish_task()
            self._progress.stop()

    def stage(self, name: str, total: int | None = None) -> None:
        """A new stage starts; ``total`` is its number of items when known."""
        if self._progress is not None:
            self._finish_task()
            self._task = self._progress.add_task(name, total=total)
        elif self.mode == "log":
            elapsed = time.monotonic() - self._started
            size = f" ({total} items)" if total is not None else ""
            print(f"[textreuse {elapsed:7.1f}s] {name}{size}", file=sys.stderr, flush=True)

    def _finish_task(self) -> None:
        """Mark the running stage's bar as complete (a stage of unknown size too)."""
        if self._progress is None or self._task is None:
            return
        task = self._progress.tasks[-1]
        done = task.total if task.total is not None else max(task.completed, 1)
        self._progress.update(self._task, total=done, completed=done)

    def advance(self, count: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, count)

    def info(self, message: str) -> None:
        if self.mode == "bar":
            self._console.print(message)
        elif self.mode == "log":
            print(f"[textreuse] {message}", file=sys.stderr, flush=True)
