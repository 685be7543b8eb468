"""The interface every engine offers the pipeline.

An engine holds named tables. It creates them from Parquet, from plan steps
(:mod:`textreuse.engine.plan`), and from the pure batch functions of the stages
(:meth:`Engine.map_batches`: Arrow record batches in, Arrow record batches out),
and writes output files from queries. The pipeline never sees how: DuckDB runs
the batch functions in a local process pool, Spark inside its tasks
(``mapInArrow``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from textreuse.engine.plan import Step

#: A stage's batch function: one input batch to one batch per output table.
BatchJob = Callable[[pa.RecordBatch], Sequence[pa.RecordBatch]]
#: Turns a batch of an output query into the output file's schema.
FinishJob = Callable[[pa.RecordBatch], pa.RecordBatch]
#: Progress callback: rows just done.
Progress = Callable[[int], None]
#: Reads files: Arrow batches of ``(input_index, path, content)`` rows, one per
#: file, to batches of records (:mod:`textreuse.stages.uri_ingest`).
FilesJob = Callable[[Iterable[pa.RecordBatch]], Iterator[pa.RecordBatch]]


@dataclass(frozen=True)
class Lookup:
    """Columns a batch job's rows get by key, joined after the rows are ordered.

    ``query`` gives one row per ``key``; each of its other columns ``NAME`` is
    attached to a job row as ``NAME + suffix``, from the lookup row whose key
    equals the job row's ``column``, for each ``(column, suffix)`` of ``attach``.
    Rows of pairs of documents name their documents by key and get the texts this
    way: a text is then read where a row needs it, and rows that repeat a long text
    are never sorted or held together (the local engine also cuts a batch whose
    attached columns would be large).
    """

    query: str
    key: str
    attach: tuple[tuple[str, str], ...]


class Engine(Protocol):
    """Named tables, plan steps, batch functions and output files."""

    work_dir: Path

    def describe(self, stage: str) -> None:
        """Name the work that follows after a pipeline stage (Spark's job group)."""
        ...

    def load_parquet(self, name: str, path: str | Path) -> None:
        """Create table ``name`` from a Parquet file or folder."""
        ...

    def run(self, step: Step, **params: Any) -> int:
        """Create the step's table; returns its row count."""
        ...

    def count(self, table: str) -> int:
        """Rows of a table (or of ``"table WHERE ..."``)."""
        ...

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        """A small query result (counts, examples) as tuples, on the driver."""
        ...

    def arrow_reader(self, query: str, batch_size: int = 2048) -> pa.RecordBatchReader:
        """Stream a query's result to the caller as Arrow record batches of at most
        ``batch_size`` rows, in Arrow's regular (32-bit offset) types, and cut
        smaller where their strings would near the 2 GiB a batch's column holds."""
        ...

    def read_files(
        self,
        uris: Sequence[str],
        job: FilesJob,
        schema: pa.Schema,
        skip: Callable[[Sequence[str]], Sequence[str]] | None = None,
    ) -> list[str]:
        """Table ``read_rows`` (``schema``): ``job`` over every file below ``uris``,
        read where the engine's tasks run; returns the paths of all files found.
        ``skip`` sees those paths before any file is read (and may raise); it returns
        folders (each ending with ``/``) whose files are not read."""
        ...

    def components(self, edges: str, out: str) -> int:
        """Connected components of ``edges(a, b)`` into ``out(node, label)``; returns rounds."""
        ...

    def map_batches(
        self,
        query: str,
        job: BatchJob,
        outputs: Mapping[str, pa.Schema],
        *,
        batch_size: int,
        progress: Progress | None = None,
        cluster_by: Sequence[str] = (),
        pair_keys: tuple[str, str] | None = None,
        lookup: Lookup | None = None,
    ) -> dict[str, Any]:
        """Run ``job`` over ``query``'s rows in batches of ``batch_size``; creates one
        table per ``outputs`` entry (``job`` returns their batches in that order).
        ``cluster_by``: rows come sorted by these columns, and rows that share the
        first go to one task (so a worker's caches keyed by it stay warm).
        ``pair_keys``: each row pairs the documents of these two key columns; an
        engine may order the rows so that pairs sharing a document run close
        together (the local engine does, see :mod:`textreuse.core.pair_order`).
        ``lookup``: columns joined to the rows by key after they are ordered.
        Returns facts for the manifest (such as the workers' peak memory)."""
        ...

    def write_output(self, query: str, finish: FinishJob, schema: pa.Schema, path: str) -> None:
        """Write ``query``'s rows, in order, passed through ``finish``, as Parquet at ``path``
        (a local path, or a URI the Spark engine writes to)."""
        ...

    def table_names(self) -> set[str]:
        """The tables the engine holds now."""
        ...

    def checkpoint(self, tables: Sequence[str]) -> dict[str, str | None]:
        """Make ``tables`` durable; returns where each is stored (for :meth:`restore`)."""
        ...

    def restore(self, tables: Mapping[str, str | None]) -> None:
        """Bring back tables made durable by :meth:`checkpoint` in an earlier run."""
        ...

    def close(self) -> None: ...
