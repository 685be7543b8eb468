"""A real Spark standalone cluster (one master, two workers on loopback) runs our jobs.

Smoke test for the :mod:`standalone_cluster` harness: the project's
:class:`~textreuse.engine.spark.SparkEngine` connects to the cluster, executors import
``textreuse`` inside ``mapInArrow``, and after one worker is killed (SIGKILL, with its
executor) the next job still completes on the other worker. About 30-50 s, most of it
JVM start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

pytest.importorskip("pyspark")
# PySpark 4.0 builds every mapInArrow function as a pandas UDF and checks for pandas
pytest.importorskip("pandas", reason="PySpark's mapInArrow needs pandas (pyspark[sql])")

from standalone_cluster import (
    StandaloneCluster,
    descendants,
    executor_count,
    is_running,
    wait_for_executors,
)

from textreuse.core.tokenize import tokenize
from textreuse.engine.spark import SparkEngine

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the harness uses /proc and process groups"
)

TEXTS = [
    "The evening ferry to Merrow stops running next month.",
    "Residents say the decision leaves them with one crossing a day.",
    "A petition has collected two thousand signatures in four days.",
    "Council officials are studying whether a smaller boat could run the route.",
    "The central library on Mill Street reopened on Saturday.",
    "Hundreds queued on the pavement before the doors opened at nine.",
    "The new children's wing faces the park.",
    "Chess club members met in the town hall for the winter tournament.",
]
OUT_SCHEMA = "id int, tokens int, python string"


def test_jobs_run_on_the_cluster_and_survive_a_lost_worker(tmp_path: Path) -> None:
    expected = {index: len(tokenize(text)) for index, text in enumerate(TEXTS)}

    def count_tokens(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """``mapInArrow`` function: token counts, plus the interpreter that ran it.

        Local, so that cloudpickle ships it by value (a module-level function would
        be pickled by reference to this test module, which executors cannot import);
        ``textreuse`` is imported on the executor.
        """
        import sys

        import pyarrow as pa

        from textreuse.core.tokenize import tokenize

        for batch in batches:
            texts = batch.column("text").to_pylist()
            yield pa.RecordBatch.from_pydict(
                {
                    "id": batch.column("id"),
                    "tokens": pa.array([len(tokenize(text)) for text in texts], pa.int32()),
                    "python": pa.array([sys.executable] * len(texts), pa.string()),
                }
            )

    with (
        StandaloneCluster(workers=2, base_dir=tmp_path / "cluster") as cluster,
        cluster.driver_environment(),
    ):
        daemons = [*cluster.worker_pids, cluster.master_pid]
        engine = SparkEngine(
            tmp_path / "engine", master=cluster.master_url, conf=cluster.spark_conf()
        )
        try:
            spark = engine.spark
            # getOrCreate would silently hand back a session left over from another test
            assert spark.sparkContext.master == cluster.master_url
            wait_for_executors(spark, 2)  # so that the kill below takes one away
            texts = spark.createDataFrame(list(enumerate(TEXTS)), "id int, text string")
            texts = texts.repartition(4, "id")

            rows = texts.mapInArrow(count_tokens, OUT_SCHEMA).collect()
            assert {row.id: row.tokens for row in rows} == expected
            # the executors ran this interpreter, so they saw the venv and textreuse
            assert {row.python for row in rows} == {sys.executable}

            doomed = [cluster.worker_pids[0], *descendants(cluster.worker_pids[0])]
            assert len(doomed) >= 2, "worker 0 should have started an executor"
            daemons += doomed
            cluster.kill_worker(0)
            assert not any(is_running(pid) for pid in doomed)
            assert cluster.alive_workers() == 1

            # a shuffle after the map: both stages run on the remaining executor
            totals = (
                texts.mapInArrow(count_tokens, OUT_SCHEMA)
                .groupBy("python")
                .agg({"tokens": "sum"})
                .collect()
            )
            assert [tuple(row) for row in totals] == [(sys.executable, sum(expected.values()))]
            wait_for_executors(spark, 1, timeout=30)
            assert executor_count(spark) == 1
        finally:
            engine.close()
        daemons += [cluster.worker_pids[1], *descendants(cluster.worker_pids[1])]

    assert not [pid for pid in daemons if is_running(pid)], "the cluster left processes behind"
