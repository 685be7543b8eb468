"""``textreuse run --engine spark --spark-master spark://...`` on a real standalone
cluster (one master, two workers on loopback, started by :mod:`standalone_cluster`
from the scripts in the ``pyspark`` package), with one worker killed mid-run.

The corpus and the output folder are given as ``file://`` URIs, so the executors
read and parse the corpus, and the output folder is written through Hadoop's
file system API as an ``hdfs://`` one would be. The run must still finish, with
exactly the local engine's results: no record lost or duplicated, the same rejects
and counts. About a minute, most of it JVM start-up.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

pytest.importorskip("pyspark")
# PySpark 4.0 builds every mapInArrow function as a pandas UDF and checks for pandas
pytest.importorskip("pandas", reason="PySpark's mapInArrow needs pandas (pyspark[sql])")

from standalone_cluster import StandaloneCluster, descendants, is_running, wait_for_executors

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the harness uses /proc and process groups"
)

#: The example corpus plus a bad record and an empty one, so rejects travel too.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus.jsonl"
OUTPUTS = ("documents", "passages", "clusters", "duplicates", "sites")


def _corpus(tmp_path: Path) -> Path:
    """A folder of two part files, which the cluster's executors read themselves."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines(keepends=True)
    extra = ['{"id": "blank", "text": "   "}\n', '{"id": "bad", "text": 42}\n']
    half = len(lines) // 2
    (folder / "part-0.jsonl").write_text("".join(lines[:half]), encoding="utf-8")
    (folder / "part-1.jsonl").write_text("".join(lines[half:] + extra), encoding="utf-8")
    return folder


def _local_names(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spark names a local file ``file:/PATH``; the local reader ``/PATH``."""
    return [{**row, "source": row["source"].removeprefix("file:")} for row in rows]


def test_run_on_a_cluster_survives_a_lost_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse
    import textreuse.pipeline as pipeline

    corpus = _corpus(tmp_path)
    local = textreuse.run([corpus], tmp_path / "local", threads=2, progress="none")
    align = pipeline._Job.align
    killed: list[int] = []

    with (
        StandaloneCluster(workers=2, base_dir=tmp_path / "cluster") as cluster,
        cluster.driver_environment(),
    ):
        daemons = [*cluster.worker_pids, cluster.master_pid]

        def align_losing_a_worker(job: Any) -> None:
            """The align stage, with worker 0 (and its executor) killed while it runs."""
            spark = job.engine.spark
            assert spark.sparkContext.master == cluster.master_url
            wait_for_executors(spark, 2)  # so that the kill takes one away
            doomed = [cluster.worker_pids[0], *descendants(cluster.worker_pids[0])]
            assert len(doomed) >= 2, "worker 0 should have started an executor"
            daemons.extend(doomed)

            def kill() -> None:
                cluster.kill_worker(0)
                killed.append(0)

            timer = threading.Timer(1.0, kill)
            timer.start()
            try:
                align(job)
            finally:
                timer.join()

        monkeypatch.setattr(pipeline._Job, "align", align_losing_a_worker)
        manifest = textreuse.run(
            [corpus.as_uri()],
            (tmp_path / "spark").as_uri(),
            engine="spark",
            spark_master=cluster.master_url,
            spark_conf=cluster.spark_conf(),
            progress="none",
        )
        assert killed, "the worker was not killed during the run"
        assert cluster.alive_workers() == 1
        daemons += [cluster.worker_pids[1], *descendants(cluster.worker_pids[1])]

    assert not [pid for pid in daemons if is_running(pid)], "the cluster left processes behind"
    assert manifest["engine"] == "spark"
    for key in ("input_counts", "output_counts"):
        assert manifest[key] == local[key], key
    assert manifest["input_counts"]["rejected"] == 1 and manifest["input_counts"]["empty"] == 1
    for name in OUTPUTS:
        expected = pq.read_table(tmp_path / "local" / f"{name}.parquet").to_pylist()
        found = pq.read_table(tmp_path / "spark" / f"{name}.parquet").to_pylist()
        assert (_local_names(found) if name == "documents" else found) == expected, name
    rejects = (tmp_path / "spark" / "rejects.jsonl").read_text().splitlines()
    expected_rejects = (tmp_path / "local" / "rejects.jsonl").read_text().splitlines()
    assert _local_names([json.loads(r) for r in rejects]) == [
        json.loads(r) for r in expected_rejects
    ]
