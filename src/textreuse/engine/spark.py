"""The Spark engine: runs the relational plan on Spark SQL (issue #6).

:class:`SparkEngine` has the interface of :class:`~textreuse.engine.local.DuckDBEngine`:
each plan :class:`~textreuse.engine.plan.Step` becomes a cached temporary view named
after the step, connected components iterate the same label propagation with
pointer jumping (one Spark SQL statement per round, each round checkpointed so the
lineage never grows), and results reach the driver only when asked
(:meth:`SparkEngine.arrow_reader`) or as a count.

The plan's SQL runs unchanged: it is written in the SQL both engines accept (no
DISTINCT window aggregates, explicit ``CAST``). Needs ``pip install
'textreuse[spark]'`` (PySpark 4.0; Java 17 or later).
"""

from __future__ import annotations

import itertools
import logging
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from textreuse.engine.plan import (
    COMPONENTS_INIT,
    COMPONENTS_STEP,
    MAX_COMPONENT_ROUNDS,
    Step,
)
from textreuse.errors import MissingExtraError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


#: Spark's own log level unless the engine is verbose.
QUIET_LOG_LEVEL = "ERROR"

_LOG4J2 = """\
rootLogger.level = {level}
rootLogger.appenderRef.stderr.ref = console
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = {level}
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
"""


def require_spark_extra() -> None:
    """Raise :class:`MissingExtraError` unless PySpark imports."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("the Spark engine", "spark") from exc


class SparkEngine:
    """Executes plan steps as cached Spark temporary views.

    ``master`` is a Spark master URL; by default ``local[threads]`` (``local[2]``).
    ``conf`` adds Spark settings (``spark.executor.memory``, ...); in local mode
    ``spark.sql.shuffle.partitions`` defaults to ``2 * threads``. ``spark`` reuses a
    running session instead (the engine then neither configures nor stops it).
    Spark logs errors only, unless ``verbose``.
    """

    def __init__(
        self,
        work_dir: Path,
        threads: int = 2,
        *,
        master: str | None = None,
        memory_limit: str | None = None,
        conf: Mapping[str, str] | None = None,
        verbose: bool = False,
        spark: SparkSession | None = None,
    ) -> None:
        require_spark_extra()
        from pyspark.logger import PySparkLogger

        self.work_dir = work_dir
        self._tables: dict[str, DataFrame] = {}
        # PySpark logs every SQL error it raises; the error reaches the caller anyway.
        PySparkLogger.getLogger("SQLQueryContextLogger").setLevel(
            logging.WARNING if verbose else logging.CRITICAL
        )
        self._owns_session = spark is None
        self.spark = (
            spark
            if spark is not None
            else self._start(work_dir, threads, master, memory_limit, conf or {}, verbose)
        )

    @staticmethod
    def _start(
        work_dir: Path,
        threads: int,
        master: str | None,
        memory_limit: str | None,
        conf: Mapping[str, str],
        verbose: bool,
    ) -> SparkSession:
        from pyspark.sql import SparkSession

        level = "WARN" if verbose else QUIET_LOG_LEVEL
        work_dir.mkdir(parents=True, exist_ok=True)
        log_config = work_dir / "spark-log4j2.properties"
        log_config.write_text(_LOG4J2.format(level=level), encoding="utf-8")
        master = master or f"local[{int(threads)}]"
        settings: dict[str, str] = {
            # read before the JVM starts, so even start-up messages follow the level
            "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={log_config.as_uri()}",
            "spark.ui.showConsoleProgress": "true" if verbose else "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.local.dir": str(work_dir / "spark-tmp"),
            "spark.sql.warehouse.dir": str(work_dir / "spark-warehouse"),
        }
        if master.startswith("local"):
            settings["spark.ui.enabled"] = "false"
            settings["spark.sql.shuffle.partitions"] = str(2 * int(threads))
            if memory_limit:
                settings["spark.driver.memory"] = memory_limit
        settings.update(conf)
        builder = SparkSession.builder.master(master).appName("textreuse")
        for key, value in settings.items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel(level)
        return spark

    def close(self) -> None:
        """Drop this engine's views and cached data; stop the session if the engine started it."""
        for name, frame in self._tables.items():
            self.spark.catalog.dropTempView(name)
            frame.unpersist()
        self._tables.clear()
        if self._owns_session:
            self.spark.stop()

    def load_parquet(self, name: str, path: Path) -> None:
        """Create view ``name`` over a Parquet file or folder (read when used, not cached)."""
        self._replace(name, self.spark.read.parquet(str(path)))

    def run(self, step: Step, **params: Any) -> int:
        """Create the step's table (a cached view); returns its row count."""
        frame = self.spark.sql(step.sql.format(**params))
        return self._materialize(step.name, frame)

    def count(self, table: str) -> int:
        row = self.spark.sql(f"SELECT count(*) FROM {table}").first()
        return int(row[0]) if row is not None else 0

    def components(self, edges: str, out: str) -> int:
        """Connected components of ``edges(a, b)`` into ``out(node, label)``.

        ``label`` is the smallest node of each component. Returns the rounds used.
        Each round's labels are written to Parquet under ``work_dir`` and read back
        (a checkpoint), so a round's plan starts from the labels before it, not
        from every round before (the step reads the labels three times, so the
        plan would otherwise grow threefold each round); the round before is then
        deleted. Only the number of changed labels comes back to the driver.
        """
        folder = self.work_dir / "spark-components" / out
        if folder.exists():
            shutil.rmtree(folder)
        previous = self._checkpoint(folder / "round-0", COMPONENTS_INIT.format(edges=edges))
        self._replace(out, previous[1])
        for round_no in range(1, MAX_COMPONENT_ROUNDS + 1):
            step = COMPONENTS_STEP.format(edges=edges, labels=out)
            path, labels = self._checkpoint(folder / f"round-{round_no}", step)
            labels.createOrReplaceTempView(f"{out}_next")
            row = self.spark.sql(
                f"SELECT count(*) FROM {out}_next AS n JOIN {out} AS o USING (node) "
                "WHERE n.label <> o.label"
            ).first()
            self.spark.catalog.dropTempView(f"{out}_next")
            self._replace(out, labels)
            shutil.rmtree(previous[0])
            previous = (path, labels)
            if row is None or row[0] == 0:
                return round_no
        raise RuntimeError(
            f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds"
        )

    def _checkpoint(self, path: Path, query: str) -> tuple[Path, DataFrame]:
        """Write ``query``'s result to Parquet at ``path``; returns it read back."""
        frame = self.spark.sql(query)
        frame.write.parquet(str(path))
        return path, self.spark.read.schema(frame.schema).parquet(str(path))

    def arrow_reader(self, query: str, batch_size: int = 2048) -> pa.RecordBatchReader:
        """Stream a query's result to the driver as Arrow record batches.

        Rows come one partition at a time (``toLocalIterator``), the next partition
        fetched while this one is read, and are packed into batches of
        ``batch_size``; nothing runs until the reader is read.
        """
        from pyspark.sql.pandas.types import to_arrow_schema

        frame = self.spark.sql(query)
        schema = to_arrow_schema(frame.schema)

        def batches() -> Iterator[pa.RecordBatch]:
            rows = frame.toLocalIterator(prefetchPartitions=True)
            while chunk := list(itertools.islice(rows, batch_size)):
                yield pa.RecordBatch.from_pylist(
                    [row.asDict(recursive=True) for row in chunk], schema=schema
                )

        return pa.RecordBatchReader.from_batches(schema, batches())

    def _materialize(self, name: str, frame: DataFrame) -> int:
        """Cache ``frame``, compute it (returns its row count) and register it as ``name``."""
        from pyspark import StorageLevel

        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
        rows = frame.count()
        self._replace(name, frame)
        return rows

    def _replace(self, name: str, frame: DataFrame) -> None:
        """Register ``frame`` as view ``name``, releasing what the name held before."""
        frame.createOrReplaceTempView(name)
        old = self._tables.get(name)
        self._tables[name] = frame
        if old is not None and old is not frame:
            old.unpersist()
