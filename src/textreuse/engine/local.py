"""The local engine: runs the relational plan on DuckDB, batch functions in a process pool."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.core.pair_order import breadth_first_ranks
from textreuse.duckdb_paths import connect_quietly, parquet_source, sql_string
from textreuse.engine.arrow_batches import narrowed
from textreuse.engine.base import BatchJob, FilesJob, FinishJob, Lookup, Progress
from textreuse.engine.local_lookup import MappedLookup
from textreuse.engine.plan import (
    COMPONENTS_EDGES,
    COMPONENTS_LABELS,
    COMPONENTS_ROUND,
    MAX_COMPONENT_ROUNDS,
    Step,
    numbered_in_one_order,
)
from textreuse.errors import ConfigError
from textreuse.manifest import peak_rss_mb
from textreuse.parallel import WorkerPool, memory_bytes

#: The table of breadth-first ranks that orders one batch job's pairs.
_PAIR_RANKS = "pair_order_ranks"

#: Share of the memory (the machine's, or its control group's limit) that DuckDB
#: may take when no limit is given; beyond it, it spills to ``work_dir/spill``.
#: DuckDB's own default is 0.8, which with the workers' caches (at most
#: :data:`~textreuse.stages.alignment.CACHE_MEMORY_SHARE`, 0.4) would pass the whole.
DUCKDB_MEMORY_SHARE = 0.5


def default_memory_limit() -> str | None:
    """DuckDB's ``memory_limit`` by :data:`DUCKDB_MEMORY_SHARE`, or None (DuckDB's
    default) where the memory is not known."""
    total = memory_bytes()
    if total is None:
        return None
    return f"{int(total * DUCKDB_MEMORY_SHARE) // 2**20}MiB"


class DuckDBEngine:
    """Executes plan steps as DuckDB tables in one connection.

    Batch functions run in ``pool`` (inline when there is none); their results
    are written to Parquet under ``work_dir`` and loaded as tables. DuckDB keeps
    within ``memory_limit`` (as DuckDB writes it, e.g. ``"4GB"``; by default
    :func:`default_memory_limit`), spilling to ``work_dir/spill`` beyond it.
    """

    def __init__(
        self,
        work_dir: Path,
        threads: int,
        memory_limit: str | None = None,
        *,
        pool: WorkerPool | None = None,
    ) -> None:
        self.work_dir = work_dir
        self.pool = pool or WorkerPool(1)
        self.con = connect_quietly(str(work_dir / "engine.duckdb"))
        self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute(f"SET temp_directory = {sql_string(str(work_dir / 'spill'))}")
        self.con.execute("SET preserve_insertion_order = false")
        # results reach Arrow in large types, cut and narrowed by arrow_reader
        self.con.execute("SET arrow_large_buffer_size = true")
        limit = memory_limit or default_memory_limit()
        if limit:
            self.con.execute(f"SET memory_limit = {sql_string(limit)}")

    def close(self) -> None:
        self.con.close()

    def describe(self, stage: str) -> None:
        """Nothing to name: DuckDB has no job list."""

    def load_parquet(self, name: str, path: str | Path) -> None:
        """Create table ``name`` from a Parquet file or folder (``*.parquet``)."""
        path = Path(path)
        source = parquet_source(str(path))
        self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet({source})")

    def run(self, step: Step, **params: Any) -> int:
        """Create the step's table; returns its row count."""
        sql = step.sql.format(**params)
        if step.numbering is not None:
            sql = numbered_in_one_order(step.numbering, sql)
        self.con.execute(f"CREATE OR REPLACE TABLE {step.name} AS {sql}")
        return self.count(step.name)

    def count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(row[0][0]) if row else 0

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        return self.con.execute(query).fetchall()

    def table_names(self) -> set[str]:
        return {row[0] for row in self.fetch("SELECT table_name FROM duckdb_tables()")}

    def checkpoint(self, tables: Sequence[str]) -> dict[str, str | None]:
        """The tables live in the engine's database file: flush it to disk."""
        self.con.execute("CHECKPOINT")
        return {name: None for name in tables}

    def restore(self, tables: Mapping[str, str | None]) -> None:
        """The database file already holds them; checks that it does."""
        missing = sorted(set(tables) - self.table_names())
        if missing:
            raise RuntimeError(f"cannot resume: the work database lacks {', '.join(missing)}")

    def components(self, edges: str, out: str) -> int:
        """Connected components of ``edges(a, b)`` into ``out(node, label)``.

        ``label`` is the smallest node of each component. Returns the rounds used.
        """
        con = self.con
        star, source = f"{out}_star", f"({COMPONENTS_EDGES.format(edges=edges)})"
        for round_no in range(1, MAX_COMPONENT_ROUNDS + 1):
            step = COMPONENTS_ROUND.format(star=source)
            con.execute(f"CREATE OR REPLACE TABLE {star}_next AS {step}")
            con.execute(f"DROP TABLE IF EXISTS {star}")
            con.execute(f"ALTER TABLE {star}_next RENAME TO {star}")
            source = star
            row = con.execute(f"SELECT count(*) FROM {star} WHERE unsettled").fetchall()
            if row[0][0] == 0:
                labels = COMPONENTS_LABELS.format(star=star, edges=edges)
                con.execute(f"CREATE OR REPLACE TABLE {out} AS {labels}")
                con.execute(f"DROP TABLE {star}")
                return round_no
        raise RuntimeError(
            f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds"
        )

    def arrow_reader(self, query: str, batch_size: int = 2048) -> Any:
        """Stream a query's result as Arrow record batches of at most ``batch_size``
        rows and of regular (32-bit offset) types, cut smaller where their strings
        would pass :data:`~textreuse.engine.arrow_batches.MAX_BATCH_STRING_BYTES`."""
        return narrowed(self.con.cursor().sql(query).to_arrow_reader(batch_size))

    def read_files(
        self,
        uris: Sequence[str],
        job: FilesJob,
        schema: pa.Schema,
        skip: Callable[[Sequence[str]], Sequence[str]] | None = None,
    ) -> list[str]:
        """URIs are read by Spark; this engine reads local paths (see ``RecordReader``)."""
        raise ConfigError(f"{uris[0]} is a URI: URIs are read with --engine spark")

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
        """Run ``job`` in the worker pool; each output is streamed to
        ``work_dir/NAME.parquet`` and loaded as table ``NAME``.

        With ``pair_keys``, rows come in breadth-first pair order
        (:mod:`textreuse.core.pair_order`), then by ``cluster_by``. A ``lookup``
        is written to an Arrow file and memory-mapped, and its columns are taken
        from there for each ordered batch (:mod:`textreuse.engine.local_lookup`)."""
        if pair_keys is not None:
            query = self._in_pair_order(query, pair_keys, cluster_by)
        elif cluster_by:
            query = f"SELECT * FROM ({query}) AS q ORDER BY {', '.join(cluster_by)}"
        paths = {name: self.work_dir / f"{name}.parquet" for name in outputs}
        writers = [pq.ParquetWriter(paths[name], schema) for name, schema in outputs.items()]
        mapped = None
        worker_peak = 0.0
        try:
            if lookup is not None:
                mapped = MappedLookup(
                    lookup,
                    self.arrow_reader(lookup.query, batch_size=batch_size),
                    self.work_dir / "lookup.arrow",
                )
            reader = self.arrow_reader(query, batch_size=batch_size)
            batches = reader if mapped is None else mapped.attach(reader)
            for results, size, peak in self.pool.map_unordered(_Sized(job), batches):
                for writer, result in zip(writers, results, strict=True):
                    writer.write_batch(result)
                worker_peak = max(worker_peak, peak)
                if progress is not None:
                    progress(size)
        finally:
            for writer in writers:
                writer.close()
            if mapped is not None:
                mapped.close()
            if pair_keys is not None:
                self.con.execute(f"DROP TABLE IF EXISTS {_PAIR_RANKS}")
        for name, path in paths.items():
            self.load_parquet(name, path)
        return {"worker_peak_rss_mb": worker_peak}

    def _in_pair_order(
        self, query: str, pair_keys: tuple[str, str], cluster_by: Sequence[str]
    ) -> str:
        """``query`` ordered so that rows sharing a key of ``pair_keys`` run close
        together: by the later, then the earlier, of their keys' breadth-first ranks
        over the graph of the rows' pairs (a worker's cache of prepared texts then
        serves most of a text's pairs)."""
        a, b = pair_keys
        keys = self.con.execute(f"SELECT DISTINCT {a}, {b} FROM ({query}) AS q").fetchnumpy()
        nodes, ranks = breadth_first_ranks(keys[a], keys[b])
        ranked = pa.table({"node": nodes, "node_rank": ranks})
        self.con.register("pair_ranks_arrow", ranked)
        self.con.execute(f"CREATE OR REPLACE TABLE {_PAIR_RANKS} AS SELECT * FROM pair_ranks_arrow")
        self.con.unregister("pair_ranks_arrow")
        ties = "".join(f", q.{name}" for name in cluster_by)
        return f"""SELECT q.* FROM ({query}) AS q
            JOIN {_PAIR_RANKS} AS ra ON ra.node = q.{a}
            JOIN {_PAIR_RANKS} AS rb ON rb.node = q.{b}
            ORDER BY greatest(ra.node_rank, rb.node_rank),
                     least(ra.node_rank, rb.node_rank){ties}"""

    def write_output(self, query: str, finish: FinishJob, schema: pa.Schema, path: str) -> None:
        """Stream ``query`` through ``finish`` into one Parquet file, written atomically."""
        partial = path + ".partial"
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            for batch in self.arrow_reader(query, batch_size=8192):
                writer.write_batch(finish(batch))
        os.replace(partial, path)


class _Sized:
    """Wraps a batch job so that it also returns its input size (for progress)
    and the worker's peak memory (for the manifest)."""

    def __init__(self, job: BatchJob) -> None:
        self.job = job

    def __call__(self, batch: pa.RecordBatch) -> tuple[Any, int, float]:
        return self.job(batch), batch.num_rows, peak_rss_mb()["process"]
