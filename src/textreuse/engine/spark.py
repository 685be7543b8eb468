"""The Spark engine: runs the relational plan on Spark SQL (issue #6).

:class:`SparkEngine` has the interface of :class:`~textreuse.engine.local.DuckDBEngine`:
each plan :class:`~textreuse.engine.plan.Step` is written to Parquet by the executors
and read back as a temporary view named after the step, connected components
iterate the same large-star/small-star rounds (one Spark SQL statement and one job
per round, each round checkpointed so the lineage never grows; a graph small enough
for one task is labelled there in memory instead), and results reach the driver
only when asked (:meth:`SparkEngine.arrow_reader`) or as a count. A driver JVM the
engine starts maps a class data sharing archive of Spark's classes
(:mod:`textreuse.engine.class_archive`), written by the first run.

The plan's SQL runs unchanged: it is written in the SQL both engines accept (no
DISTINCT window aggregates, explicit ``CAST``). Needs ``pip install
'textreuse[spark]'`` (PySpark 4.0; Java 17 or later).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from textreuse.engine.base import BatchJob, FilesJob, FinishJob, Lookup, Progress
from textreuse.engine.class_archive import ClassArchive, plan_class_archive, quote_java_option
from textreuse.engine.hadoop_storage import HadoopStorage, literal_location, local_location
from textreuse.engine.plan import (
    COMPONENTS_EDGES,
    COMPONENTS_LABELS,
    COMPONENTS_ROUND,
    MAX_COMPONENT_ROUNDS,
    Numbering,
    Step,
    numbered_in_one_order,
)
from textreuse.errors import EngineError, InputError, MissingExtraError
from textreuse.io.input_files import URI_FILE_SUFFIXES, is_uri
from textreuse.io.storage import child
from textreuse.schema import MAX_BATCH_CHARS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType


#: In a stored table's place, ``FOLDER#outN``: an output of a packed map, the
#: filled rows of struct column ``outN`` of the Parquet folder ``FOLDER``.
PACKED_COLUMN_MARK = "#"

#: Paths of files read from URIs, lower-cased (see ``textreuse.io.input_files.is_uri_file``).
_URI_FILE_PATTERN = "(" + "|".join(re.escape(s) for s in URI_FILE_SUFFIXES) + ")$"

#: Spark's own log level unless the engine is verbose.
QUIET_LOG_LEVEL = "ERROR"

#: Tasks per core of a batch function with ``cluster_by`` (the load balances better
#: over small tasks; a task's rows still share their first column's values).
MAP_TASKS_PER_CORE = 4

#: Steps whose rows are numbered (:class:`~textreuse.engine.plan.Numbering`) are
#: numbered in one task up to this many rows (bounded by their ``size`` tables),
#: and by range partitions of about this many rows each above it.
NUMBER_IN_ONE_TASK_ROWS = 5_000_000

#: Connected components of at most this many edges are labelled in one task, in
#: memory (:func:`textreuse.core.components.component_labels`), one Spark job in all;
#: larger graphs by large-star / small-star rounds, one job each.
COMPONENTS_IN_ONE_TASK_EDGES = 5_000_000

#: Session settings the results depend on: dates in UTC, timestamps as Arrow reads them.
_RESULT_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

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


@contextlib.contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Point this process's standard error (file descriptor 2) at ``path`` for a while,
    so that child processes started meanwhile write theirs there."""
    sys.stderr.flush()
    saved = os.dup(2)
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.dup2(target, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(target)


def _start_failure(master: str, error: Exception, driver_log: Path) -> str:
    """What to tell a user whose Spark session did not start."""
    lines = [f"the Spark engine could not start a session on {master}: {error}"]
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        lines.append(
            "no Java found: Spark needs Java 17 or later on the PATH or in JAVA_HOME "
            "(for example: apt install openjdk-17-jre-headless)"
        )
    if driver_log.exists():
        tail = driver_log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        if tail:
            lines.append("last lines the Spark driver printed:")
            lines.extend(f"  {line}" for line in tail)
    return "\n".join(lines)


def _session(
    master: str, settings: Mapping[str, str], driver_log: Path, verbose: bool
) -> SparkSession:
    """A Spark session on ``master`` with ``settings``."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("textreuse")
    for key, value in settings.items():
        builder = builder.config(key, value)
    if verbose:
        return builder.getOrCreate()
    # what the JVM prints before its log settings apply (start-up notices) goes
    # to a file: the JVM keeps the standard error it was started with
    with _stderr_to(driver_log):
        return builder.getOrCreate()


def _stop_jvm(timeout: float = 600) -> int | None:
    """Stop this process's Spark driver JVM (its session already stopped) and wait
    for it to exit; returns its exit code (None if there was none to stop). PySpark
    starts a new JVM for the next session."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    process = getattr(gateway, "proc", None)
    if gateway is None or process is None:
        return None
    gateway.shutdown()
    SparkContext._gateway = None
    SparkContext._jvm = None
    process.stdin.close()  # the JVM exits when its standard input closes
    try:
        return int(process.wait(timeout=timeout))
    except subprocess.TimeoutExpired:  # still writing: leave it, keep no archive
        return None


def require_spark_extra() -> None:
    """Raise :class:`MissingExtraError` unless PySpark imports."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("the Spark engine", "spark") from exc


class SparkEngine:
    """Executes plan steps as Spark temporary views over Parquet folders.

    ``master`` is a Spark master URL; by default ``local[threads]`` (``local[2]``).
    ``partitions`` sets ``spark.sql.shuffle.partitions`` (by default ``2 * threads``
    in local mode, Spark's default on a cluster). ``conf`` adds Spark settings
    (``spark.executor.memory``, ...). ``spark`` reuses a running session instead,
    as does an engine given no ``master`` in a process where a session is active
    (a notebook's, say); the engine then neither configures nor stops it. Spark
    logs errors only, unless ``verbose``.

    Batch functions run inside Spark tasks (``mapInArrow``) and their results are
    written by the executors as Parquet folders under ``work_dir``, as are the
    output files, so they must be on storage every executor can reach: any path on
    one machine, a shared file system or a Hadoop file system URI on a cluster.
    ``table_root`` is where the tables go (by default ``work_dir``, as a
    ``file://`` URI); ``work_dir`` holds the driver's own files (its log, Spark's
    local scratch). :attr:`storage` reaches both.
    """

    def __init__(
        self,
        work_dir: Path,
        threads: int = 2,
        *,
        master: str | None = None,
        partitions: int | None = None,
        memory_limit: str | None = None,
        conf: Mapping[str, str] | None = None,
        verbose: bool = False,
        spark: SparkSession | None = None,
        table_root: str | None = None,
    ) -> None:
        require_spark_extra()
        from pyspark.logger import PySparkLogger

        self.work_dir = work_dir
        self.table_root = table_root or spark_location(work_dir)
        self._tables: dict[str, DataFrame] = {}
        #: Tables read from Parquet, and where from.
        self._stored: dict[str, str] = {}
        #: Row counts of tables written by this engine, observed while written.
        self._rows: dict[str, int] = {}
        # PySpark logs every SQL error it raises; the error reaches the caller anyway.
        PySparkLogger.getLogger("SQLQueryContextLogger").setLevel(
            logging.WARNING if verbose else logging.CRITICAL
        )
        if spark is None and master is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.getActiveSession()
        self._owns_session = spark is None
        #: The driver JVM's class archive (:mod:`textreuse.engine.class_archive`),
        #: when this engine started the JVM with one.
        self.class_archive: ClassArchive | None = None
        if spark is None:
            spark, self.class_archive = self._start(
                work_dir, threads, master, memory_limit, conf or {}, verbose
            )
        self.spark = spark
        for key, value in _RESULT_SETTINGS.items():  # a reused session needs them too
            self.spark.conf.set(key, value)
        if partitions is not None:
            self.spark.conf.set("spark.sql.shuffle.partitions", str(int(partitions)))
        self.storage = HadoopStorage(self.spark)

    @staticmethod
    def _start(
        work_dir: Path,
        threads: int,
        master: str | None,
        memory_limit: str | None,
        conf: Mapping[str, str],
        verbose: bool,
    ) -> tuple[SparkSession, ClassArchive | None]:
        from pyspark import SparkContext

        level = "WARN" if verbose else QUIET_LOG_LEVEL
        work_dir.mkdir(parents=True, exist_ok=True)
        log_config = work_dir / "spark-log4j2.properties"
        log_config.write_text(_LOG4J2.format(level=level), encoding="utf-8")
        master = master or f"local[{int(threads)}]"
        # read before the JVM starts, so even start-up messages follow the level
        # (and a JVM crash report goes to the work folder, not the current one)
        crash_log = work_dir.resolve() / "spark-jvm-crash-%p.log"
        java_options = " ".join(
            [
                quote_java_option(f"-Dlog4j2.configurationFile={log_config.as_uri()}"),
                quote_java_option(f"-XX:ErrorFile={crash_log}"),
                "-XX:+DisplayVMOutputToStderr",
            ]
        )
        settings: dict[str, str] = {
            "spark.driver.extraJavaOptions": java_options,
            "spark.ui.showConsoleProgress": "true" if verbose else "false",
            **_RESULT_SETTINGS,
            "spark.local.dir": str(work_dir / "spark-tmp"),
            "spark.sql.warehouse.dir": str(work_dir / "spark-warehouse"),
        }
        if master.startswith("local"):
            settings["spark.ui.enabled"] = "false"
            settings["spark.sql.shuffle.partitions"] = str(2 * int(threads))
            if memory_limit:
                settings["spark.driver.memory"] = memory_limit
        settings.update(conf)
        # the tasks run the stages' batch functions in the interpreter PySpark names in
        # each task (from PYSPARK_PYTHON): this one, which has textreuse, unless set
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # a JVM already running in this process keeps the options it started with
        new_jvm = SparkContext._gateway is None
        archive = (
            plan_class_archive()
            if new_jvm and "spark.driver.extraJavaOptions" not in conf
            else None
        )
        if archive is not None:
            settings["spark.driver.extraJavaOptions"] = f"{java_options} {archive.java_options()}"
        driver_log = work_dir / "spark-driver.log"
        try:
            spark = _session(master, settings, driver_log, verbose)
        except Exception as error:  # PySpark raises plain runtime errors here
            if archive is None:
                raise EngineError(_start_failure(master, error, driver_log)) from error
            # the archive option can stop the JVM (a damaged archive to map, say):
            # start without it, and drop the file it named
            archive.discard()
            archive, settings["spark.driver.extraJavaOptions"] = None, java_options
            try:
                spark = _session(master, settings, driver_log, verbose)
            except Exception as retry_error:
                message = _start_failure(master, retry_error, driver_log)
                raise EngineError(message) from retry_error
        spark.sparkContext.setLogLevel(level)
        return spark, archive

    def close(self) -> None:
        """Drop this engine's views; stop the session if the engine started it (once).
        A JVM that is to write its class archive is stopped too, and waited for."""
        for name in self._tables:
            self.spark.catalog.dropTempView(name)
        self._tables.clear()
        if self._owns_session:
            self.spark.stop()
            self._owns_session = False
            if self.class_archive is not None and self.class_archive.creating:
                self.class_archive.finish(_stop_jvm())

    def _read_stored(self, location: str, schema: StructType | None = None) -> DataFrame:
        """A Parquet table this engine wrote at ``location``, read as that one place
        (Spark's reader globs, so its name's glob characters are escaped)."""
        reader = self.spark.read if schema is None else self.spark.read.schema(schema)
        return reader.parquet(literal_location(location))

    def describe(self, stage: str) -> None:
        """Spark jobs from here on belong to job group ``textreuse:STAGE`` (in the
        Spark UI, the event log and the status tracker)."""
        self.spark.sparkContext.setJobGroup(f"textreuse:{stage}", f"textreuse {stage} stage")

    def load_parquet(self, name: str, path: str | Path) -> None:
        """Create view ``name`` over a Parquet file or folder (read when used, not cached)."""
        location = spark_location(path)
        self._replace(name, self._read_stored(location))
        self._stored[name] = location

    def run(self, step: Step, **params: Any) -> int:
        """Compute the step's table into a Parquet folder (by the executors) and register
        it as a view read from there; returns its row count.

        Every table is stored as it is made: a later step's plan starts from files,
        never from the steps before it, memory holds no table, and a finished stage
        is already durable for ``--resume``. A numbered step's rows are numbered by
        one window up to :data:`NUMBER_IN_ONE_TASK_ROWS` rows, by range partitions
        above.
        """
        sql = step.sql.format(**params)
        numbering = step.numbering
        if numbering is None:
            return self._write_table(step.name, self.spark.sql(sql))
        rows = sum(self.count(table) for table in numbering.size)
        if rows <= NUMBER_IN_ONE_TASK_ROWS:
            frame = self.spark.sql(numbered_in_one_order(numbering, sql))
            return self._write_table(step.name, frame)
        return self._write_numbered_by_ranges(step.name, sql, numbering, rows)

    def _write_numbered_by_ranges(
        self, name: str, sql: str, numbering: Numbering, rows: int
    ) -> int:
        """Table ``name``: ``sql``'s rows numbered in ``numbering``'s order without one
        task holding them all. They are range-partitioned by that order and sorted in
        each partition, and stored with their partition and place in it
        (``monotonically_increasing_id``: the partition in the upper bits); each
        number is then the place plus the rows of the partitions before. Only one
        count per partition reaches the driver. Returns the row count."""
        from pyspark.sql import functions as F

        order = [F.col(column) for column in numbering.order]
        parts = max(2, -(-rows // max(NUMBER_IN_ONE_TASK_ROWS, 1)))
        frame = self.spark.sql(sql)
        ranged = frame.repartitionByRange(parts, *order).sortWithinPartitions(*order)
        staged_path = self._new_table_path(f"{name}.ranged")
        ranged.withColumn("_place", F.monotonically_increasing_id()).write.mode(
            "overwrite"
        ).parquet(staged_path)
        staged = self._read_stored(staged_path)
        part = F.shiftright(F.col("_place"), _PART_SHIFT)
        counts = staged.groupBy(part.alias("_part")).count().collect()
        offsets, start = [], 0
        for row in sorted(counts, key=lambda row: int(row["_part"])):
            offsets.append((int(row["_part"]), start))
            start += int(row["count"])
        starts = self.spark.createDataFrame(offsets, "_part BIGINT, _start BIGINT")
        within = F.col("_place").bitwiseAND(F.lit((1 << _PART_SHIFT) - 1))
        number = (F.col("_start") + within).cast(numbering.sql_type).alias(numbering.column)
        numbered = staged.join(F.broadcast(starts), part == F.col("_part")).select(
            number, *frame.columns
        )
        written = self._write_table(name, numbered)
        self.storage.delete(staged_path)
        return written

    def count(self, table: str) -> int:
        if table in self._rows:  # a table this engine wrote: counted then, no job now
            return self._rows[table]
        row = self.spark.sql(f"SELECT count(*) FROM {table}").first()
        return int(row[0]) if row is not None else 0

    def fetch(self, query: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(query).collect()]

    def table_names(self) -> set[str]:
        return set(self._tables)

    def checkpoint(self, tables: Sequence[str]) -> dict[str, str | None]:
        """Tables are stored as they are made; any that is not (none, as the pipeline
        uses the engine) is written to ``work_dir/tables/NAME`` now."""
        stored: dict[str, str | None] = {}
        for name in tables:
            if name not in self._stored:
                self._write_table(name, self._tables[name])
            stored[name] = self._stored[name]
        return stored

    def restore(self, tables: Mapping[str, str | None]) -> None:
        for name, path in tables.items():
            if path is None:
                raise RuntimeError(f"cannot resume: table {name} was not stored")
            folder, column = _stored_place(path)
            if column:
                packed = self._read_stored(folder)
                self._replace(name, _unpacked(packed, column))
                self._stored[name] = path
            else:
                self.load_parquet(name, path)

    def read_files(
        self,
        uris: Sequence[str],
        job: FilesJob,
        schema: pa.Schema,
        skip: Callable[[Sequence[str]], Sequence[str]] | None = None,
    ) -> list[str]:
        """Table ``read_rows``: every file below ``uris`` (any file system Spark reaches;
        folders recursively) read by the executors (Spark's ``binaryFile`` source) and
        turned into records by ``job`` in their tasks. Only file paths reach the driver."""
        from pyspark.errors import AnalysisException
        from pyspark.sql import functions as F
        from pyspark.sql.pandas.types import from_arrow_schema

        # one file per Arrow batch: a file's bytes may be large
        self.spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "1")
        found, listed = [], []
        for uri in uris:
            try:
                files = (
                    self.spark.read.format("binaryFile")
                    .option("recursiveFileLookup", "true")
                    .load(uri)
                )
                paths = sorted(row.path for row in files.select("path").collect())
            except AnalysisException as error:
                raise InputError(uri, "", f"cannot read it with Spark: {error}") from error
            listed.extend(paths)
            found.append(files)
        skipped = list(skip(listed)) if skip is not None else []
        frames = []
        for index, files in enumerate(found):
            kept = F.lower("path").rlike(_URI_FILE_PATTERN)
            for folder in skipped:
                kept &= ~F.col("path").startswith(folder)
            frames.append(
                files.where(kept).select(F.lit(index).alias("input_index"), "path", "content")
            )
        union = functools.reduce(lambda a, b: a.unionByName(b), frames)
        self._write_table("read_rows", union.mapInArrow(job, from_arrow_schema(schema)))
        return listed

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
        """Run ``job`` in Spark tasks (``mapInArrow``); the executors write each
        output to the Parquet folder ``work_dir/NAME``, loaded as view ``NAME``.

        ``cluster_by`` hash-partitions the rows by its first column into
        :data:`MAP_TASKS_PER_CORE` tasks per core (small tasks balance the load)
        and sorts each task's rows. ``pair_keys`` is not used: ordering the pairs
        breadth first would gather the whole pair graph on the driver. A ``lookup``
        is a left join on each of its key columns, before the partitioning. With
        several outputs, each task's results travel as one struct column per
        output (one filled per row), written once to ``work_dir/tables/NAME+NAME...``;
        each output is a view over its column.
        """
        from pyspark.sql.pandas.types import from_arrow_schema

        self.spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(batch_size))
        frame = self.spark.sql(query)
        if lookup is not None:
            frame = _joined(frame, self.spark.sql(lookup.query), lookup)
        if cluster_by:
            tasks = MAP_TASKS_PER_CORE * self.spark.sparkContext.defaultParallelism
            frame = frame.repartition(tasks, cluster_by[0]).sortWithinPartitions(*cluster_by)
        names = list(outputs)
        if len(names) == 1:
            schema = outputs[names[0]]
            single = _FinishedBatches(functools.partial(_only_output, job), schema)
            mapped = frame.mapInArrow(single, from_arrow_schema(schema))
            self._write_table(names[0], mapped)
            return {}
        packed = _packed_schema(outputs)
        mapped = frame.mapInArrow(_PackedBatches(job, packed), from_arrow_schema(packed))
        folder = self._new_table_path("+".join(names))
        mapped.write.mode("overwrite").parquet(folder)
        stored = self._read_stored(folder, mapped.schema)
        for index, name in enumerate(names):  # each output is read in place, not copied
            self._replace(name, _unpacked(stored, f"out{index}"))
            self._stored[name] = f"{folder}{PACKED_COLUMN_MARK}out{index}"
        return {}

    def _write_table(self, name: str, frame: DataFrame) -> int:
        """Write ``frame`` as Parquet to ``table_root/tables/NAME`` and register it as view
        ``NAME``, read from there (a table read while it is replaced gets a new folder).
        Returns its row count, observed while it is written (no job spent counting)."""
        from pyspark.sql import Observation
        from pyspark.sql import functions as F

        path = self._new_table_path(name)
        observed = Observation(f"{name}_rows")
        frame.observe(observed, F.count(F.lit(1)).alias("rows")).write.mode("overwrite").parquet(
            path
        )
        self._replace(name, self._read_stored(path, frame.schema))
        self._stored[name] = path
        self._rows[name] = int(observed.get["rows"])
        return self._rows[name]

    def _new_table_path(self, name: str) -> str:
        """``table_root/tables/NAME``, or ``NAME.1``, ... while a table still reads that folder."""
        in_use = {_stored_place(stored)[0] for stored in self._stored.values()}
        path, version = child(self.table_root, "tables", name), 0
        while path in in_use:
            version += 1
            path = child(self.table_root, "tables", f"{name}.{version}")
        return path

    def write_output(self, query: str, finish: FinishJob, schema: pa.Schema, path: str) -> None:
        """The executors write ``query``'s rows through ``finish`` as a Parquet folder at
        ``path`` (``part-*.parquet`` in order); Spark's job commit makes it appear whole."""
        from pyspark.sql.pandas.types import from_arrow_schema

        frame = self.spark.sql(query)
        mapped = frame.mapInArrow(_FinishedBatches(finish, schema), from_arrow_schema(schema))
        mapped.write.mode("error").option("compression", "zstd").parquet(spark_location(path))

    def components(self, edges: str, out: str) -> int:
        """Connected components of ``edges(a, b)`` into ``out(node, label)``.

        ``label`` is the smallest node of each component. Returns the rounds used.
        Up to :data:`COMPONENTS_IN_ONE_TASK_EDGES` edges, one task labels the whole
        graph in memory (one round). Above, each large-star / small-star round
        (one Spark job) writes its edges to Parquet under ``work_dir``
        and the next reads them back (a checkpoint: a round's plan starts from
        files, never from the rounds before it); the round before is then deleted.
        The number of unsettled nodes is observed while the round is written, so
        only that number reaches the driver and no job is spent counting it.
        """
        from pyspark.sql import Observation
        from pyspark.sql import functions as F

        if self.count(edges) <= COMPONENTS_IN_ONE_TASK_EDGES:
            frame = self.spark.sql(f"SELECT a, b FROM {edges}")
            node_type = frame.schema["a"].dataType.simpleString()
            labelled = frame.repartition(1).mapInArrow(
                _label_components, f"node {node_type}, label {node_type}"
            )
            self._write_table(out, labelled)
            return 1
        folder = child(self.table_root, "spark-components", out)
        self.storage.delete(folder)
        star, source = f"{out}_star", f"({COMPONENTS_EDGES.format(edges=edges)})"
        try:
            for round_no in range(1, MAX_COMPONENT_ROUNDS + 1):
                frame = self.spark.sql(COMPONENTS_ROUND.format(star=source))
                observed = Observation(f"{out}_round_{round_no}")
                unsettled = F.count(F.when(F.col("unsettled"), 1)).alias("unsettled")
                path = child(folder, f"round-{round_no}")
                frame.observe(observed, unsettled).write.parquet(path)
                self._read_stored(path, frame.schema).createOrReplaceTempView(star)
                if round_no > 1:
                    self.storage.delete(child(folder, f"round-{round_no - 1}"))
                source = star
                if observed.get["unsettled"] == 0:
                    labels = COMPONENTS_LABELS.format(star=star, edges=edges)
                    self._write_table(out, self.spark.sql(labels))
                    return round_no
        finally:
            self.spark.catalog.dropTempView(star)
            self.storage.delete(folder)
        raise RuntimeError(
            f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds"
        )

    def arrow_reader(self, query: str, batch_size: int = 2048) -> pa.RecordBatchReader:
        """Stream a query's result to the driver as Arrow record batches.

        Rows come one partition at a time (``toLocalIterator``), the next partition
        fetched while this one is read, and are packed into batches of
        ``batch_size`` (fewer where their strings pass
        :data:`~textreuse.schema.MAX_BATCH_CHARS` characters); nothing runs
        until the reader is read.
        """
        from pyspark.sql.pandas.types import to_arrow_schema

        frame = self.spark.sql(query)
        schema = to_arrow_schema(frame.schema)

        def batches() -> Iterator[pa.RecordBatch]:
            chunk: list[dict[str, Any]] = []
            chars = 0
            for row in frame.toLocalIterator(prefetchPartitions=True):
                chunk.append(row.asDict(recursive=True))
                chars += sum(len(value) for value in row if isinstance(value, str))
                if len(chunk) >= batch_size or chars >= MAX_BATCH_CHARS:
                    yield pa.RecordBatch.from_pylist(chunk, schema=schema)
                    chunk, chars = [], 0
            if chunk:
                yield pa.RecordBatch.from_pylist(chunk, schema=schema)

        return pa.RecordBatchReader.from_batches(schema, batches())

    def _replace(self, name: str, frame: DataFrame) -> None:
        """Register ``frame`` as view ``name`` (nothing is cached: tables live in Parquet)."""
        self._stored.pop(name, None)
        self._rows.pop(name, None)
        frame.createOrReplaceTempView(name)
        self._tables[name] = frame


#: ``monotonically_increasing_id`` puts the partition above this bit, the row below.
_PART_SHIFT = 33


def spark_location(path: str | Path) -> str:
    """Where Spark reads or writes ``path``: a URI as given, a local path as a
    ``file://`` URI (so a cluster's default file system never claims it)."""
    if isinstance(path, str) and is_uri(path):
        return path
    return local_location(path)


def _stored_place(stored: str) -> tuple[str, str | None]:
    """The folder of a stored table, and its struct column if it is a packed output."""
    folder, mark, column = stored.rpartition(PACKED_COLUMN_MARK)
    if mark and re.fullmatch(r"out\d+", column):
        return folder, column
    return stored, None


def _unpacked(packed: DataFrame, column: str) -> DataFrame:
    """One output of a packed map: the rows whose struct ``column`` is filled, as columns."""
    return packed.where(f"{column} IS NOT NULL").select(f"{column}.*")


def _packed_schema(outputs: Mapping[str, pa.Schema]) -> pa.Schema:
    """One nullable struct column ``outN`` per output."""
    return pa.schema(
        [pa.field(f"out{i}", pa.struct(list(schema))) for i, schema in enumerate(outputs.values())]
    )


class _PackedBatches:
    """``mapInArrow`` function: a many-output batch job; each result batch becomes
    rows whose own output column is filled and the others are null."""

    def __init__(self, job: BatchJob, schema: pa.Schema) -> None:
        self.job = job
        self.schema = schema

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for index, result in enumerate(self.job(batch)):
                rows = result.num_rows
                if rows == 0:
                    continue
                fields = list(self.schema.field(index).type)
                result = result.cast(pa.schema(fields))
                columns = [
                    pa.StructArray.from_arrays(result.columns, fields=fields)
                    if i == index
                    else pa.nulls(rows, field.type)
                    for i, field in enumerate(self.schema)
                ]
                yield pa.RecordBatch.from_arrays(columns, schema=self.schema)


def _label_components(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` job: all edges ``(a, b)`` of the graph in, ``(node, label)`` out."""
    from textreuse.core.components import component_labels

    received = [batch for batch in batches if batch.num_rows]
    if not received:  # no edges: no nodes
        return
    edges = pa.Table.from_batches(received)
    columns = [edges.column(name).to_numpy().astype(np.int64) for name in ("a", "b")]
    nodes, labels = component_labels(*columns)
    node_type = edges.schema.field("a").type
    yield pa.record_batch(
        [pa.array(nodes).cast(node_type), pa.array(labels).cast(node_type)],
        names=["node", "label"],
    )


def _only_output(job: BatchJob, batch: pa.RecordBatch) -> pa.RecordBatch:
    (result,) = job(batch)
    return result


def _joined(frame: DataFrame, values: DataFrame, lookup: Lookup) -> DataFrame:
    """``frame`` with ``values``' columns joined on each key column of ``lookup``."""
    from pyspark.sql import functions as F

    names = [name for name in values.columns if name != lookup.key]
    for column, suffix in lookup.attach:
        side = values.select(
            F.col(lookup.key).alias(column), *(F.col(name).alias(name + suffix) for name in names)
        )
        frame = frame.join(side, on=column, how="left")
    return frame


class _FinishedBatches:
    """``mapInArrow`` function: each batch through a batch-to-batch function, in
    ``schema``'s types (an output query's finish, or a one-output batch job)."""

    def __init__(self, finish: FinishJob, schema: pa.Schema) -> None:
        self.finish = finish
        self.schema = schema

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield self.finish(batch).cast(self.schema)
