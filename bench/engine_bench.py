"""Engine benchmark (issue #6): the local engine against Spark, on the scale corpora.

For each corpus and engine, runs ``textreuse run`` as its own process (the Spark
run in ``local[THREADS]`` mode, its driver JVM capped by ``--driver-memory``) and
prints one JSON line: wall seconds and peak RSS of the whole process tree (Python,
JVM and workers), the manifest's per-stage seconds, output counts, and the size on
disk of every intermediate table (the run keeps its work folder for this), the
figures ``docs/scaling.md`` builds on. Spark rows also give their time as a
multiple of the local engine's on the same corpus::

    python bench/engine_bench.py --scale-dir DIR [--sizes 20k,100k,400k]
        [--engines local,spark] [--threads 2] [--driver-memory 4g] [--shuffle] [--uri]
        [--uri-out] [--jvm-threads] [--repeats N]

``--repeats N`` runs the engines in turn N times per corpus (local, Spark, local,
Spark, ...), so each Spark run is compared with the local run just before it while
this machine's speed drifts, and ends each corpus with a ``summary`` line: every
pair's ratio, their median, and whether the output counts agreed in every run.

``--shuffle`` turns on Spark's event log and adds the shuffle MB written and read
in each textreuse stage. ``--jvm-threads`` adds the CPU seconds of the Spark
JVM's threads by kind (tasks, C1 and C2 compilers, driver, GC), read from
``/proc`` every half second while the run lasts (Linux only); each thread counts
with its last reading, so threads that end before the JVM still count. ``--uri``
gives Spark the corpus as a ``file://`` URI, so its executors read and parse it
(the local engine always reads the path); ``--uri-out`` has Spark write its
output folder to a ``file://`` URI, through Hadoop's file system API as for
``hdfs://``.

Scale corpora are built by ``python3 ../shared/tools/make_corpora.py DIR``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from run_bench import CLI, timed


def folder_mb(path: Path) -> float:
    """Size of a file or folder on disk, in MB."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def table_sizes(work: Path) -> dict[str, float]:
    """MB on disk of each intermediate table a run kept in ``work``."""
    sizes: dict[str, float] = {}
    tables = work / "tables"
    if tables.is_dir():  # Spark: one Parquet folder per table
        for folder in sorted(tables.iterdir()):
            sizes[folder.name] = round(folder_mb(folder), 2)
    for name in ("records.parquet", "postings", "doc_words", "aligned"):
        path = work / name
        if path.exists():
            sizes[name] = round(folder_mb(path), 2)
    return sizes


def shuffle_mb(event_log: Path) -> dict[str, dict[str, float]]:
    """Shuffle MB written and read per textreuse stage, from a Spark event log
    (jobs are grouped by stage: ``textreuse:STAGE``)."""
    group_of_stage: dict[int, str] = {}
    totals: dict[str, dict[str, float]] = {}
    logs = [p for p in event_log.rglob("*") if p.is_file() and not p.name.startswith(".")]
    for log in sorted(logs):  # skips the file system's .crc checksums
        with log.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.startswith("{"):
                    continue
                event = json.loads(line)
                kind = event.get("Event")
                if kind == "SparkListenerJobStart":
                    group = (event.get("Properties") or {}).get("spark.jobGroup.id", "")
                    for stage_id in event.get("Stage IDs", []):
                        group_of_stage[stage_id] = group.removeprefix("textreuse:")
                elif kind == "SparkListenerTaskEnd":
                    metrics = event.get("Task Metrics") or {}
                    group = group_of_stage.get(event.get("Stage ID"), "")
                    entry = totals.setdefault(
                        group, {"shuffle_write_mb": 0.0, "shuffle_read_mb": 0.0}
                    )
                    write = metrics.get("Shuffle Write Metrics") or {}
                    read = metrics.get("Shuffle Read Metrics") or {}
                    entry["shuffle_write_mb"] += write.get("Shuffle Bytes Written", 0) / 1e6
                    entry["shuffle_read_mb"] += (
                        read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
                    ) / 1e6
    return {
        group: {key: round(value, 1) for key, value in entry.items()}
        for group, entry in sorted(totals.items())
    }


#: Thread names of the JVM by kind (Linux gives the first 15 characters).
_THREAD_KINDS = (
    ("tasks", re.compile(r"^Executor task")),
    ("C2 compiler", re.compile(r"^C2 Compiler")),
    ("C1 compiler", re.compile(r"^C1 Compiler")),
    ("driver", re.compile(r"^Thread-\d+$")),
    ("GC", re.compile(r"^(GC Thread|G1 |GC |VM Thread)")),
)


class JvmThreads:
    """CPU seconds of the Spark JVM's threads by kind, read from ``/proc`` every half
    second in a background thread; each thread counts with its last reading, so
    threads that end before the JVM (tasks, compilers at shutdown) still count."""

    def __init__(self) -> None:
        self._threads: dict[tuple[str, str], tuple[str, float]] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._done.set()
        self._thread.join()
        seconds: collections.Counter[str] = collections.Counter()
        for kind, used in self._threads.values():
            seconds[kind] += used
            seconds["all"] += used
        return {kind: round(used, 1) for kind, used in seconds.most_common()}

    def _watch(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        while not self._done.wait(0.5):
            for pid in _spark_jvms():
                self._threads.update(_thread_seconds(pid, tick))


def _spark_jvms() -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"org.apache.spark.deploy.SparkSubmit" in handle.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def _thread_seconds(pid: str, tick: int) -> dict[tuple[str, str], tuple[str, float]]:
    """``(pid, thread id) -> (kind, CPU seconds so far)`` for each thread of ``pid``."""
    found: dict[tuple[str, str], tuple[str, float]] = {}
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        kind = next((k for k, pattern in _THREAD_KINDS if pattern.search(name)), "other")
        found[(pid, tid)] = (kind, used)
    return found


def run_once(
    corpus: Path,
    out: Path,
    engine: str,
    threads: int,
    driver_memory: str,
    event_log: Path | None = None,
    *,
    uri: bool = False,
    uri_out: bool = False,
    jvm_threads: bool = False,
) -> dict:
    as_uri = uri and engine == "spark"
    out_as_uri = uri_out and engine == "spark"
    command = [
        *CLI,
        "run",
        corpus.resolve().as_uri() if as_uri else str(corpus),
        "--out",
        out.resolve().as_uri() if out_as_uri else str(out),
        "--overwrite",
        "-q",
        "--keep-work",  # for the table sizes
        "--threads",
        str(threads),
        "--engine",
        engine,
    ]
    if engine == "spark":
        command += ["--spark-conf", f"spark.driver.memory={driver_memory}"]
        if event_log is not None:
            event_log.mkdir(parents=True)
            command += [
                "--spark-conf",
                "spark.eventLog.enabled=true",
                "--spark-conf",
                f"spark.eventLog.dir={event_log.as_uri()}",
                "--spark-conf",  # plain JSON lines, to read back here
                "spark.eventLog.compress=false",
            ]
    watcher = JvmThreads() if jvm_threads and engine == "spark" else None
    speed = timed(command)
    manifest = json.loads((out / "manifest.json").read_text())
    row = {
        "corpus": corpus.stem,
        "engine": engine,
        "input": "uri" if as_uri else "path",
        "output": "uri" if out_as_uri else "path",
        **speed,
        "stages_s": {k: v["seconds"] for k, v in manifest["stages"].items()},
        "output_counts": manifest["output_counts"],
        "candidate_pairs": manifest["stages"]["candidates"].get("candidate_pairs"),
        "align_pairs": manifest["stages"]["candidates"].get("align_pairs"),
        "table_mb": table_sizes(out / "_work"),
    }
    if event_log is not None and engine == "spark":
        row["shuffle_mb_by_stage"] = shuffle_mb(event_log)
    if watcher is not None:
        row["jvm_cpu_s"] = watcher.stop()
    shutil.rmtree(out)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-dir", type=Path, required=True)
    parser.add_argument("--sizes", default="20k,100k,400k")
    parser.add_argument("--engines", default="local,spark")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument(
        "--shuffle", action="store_true", help="Spark event log: shuffle MB per stage."
    )
    parser.add_argument(
        "--uri", action="store_true", help="Spark reads the corpus as a file:// URI."
    )
    parser.add_argument(
        "--uri-out", action="store_true", help="Spark writes its output to a file:// URI."
    )
    parser.add_argument(
        "--jvm-threads",
        action="store_true",
        help="CPU seconds of the Spark JVM's threads by kind (Linux).",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="Run the engines in turn this many times per corpus, with a summary.",
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    with tempfile.TemporaryDirectory(prefix="textreuse-engine-bench-") as tmp:
        for size in args.sizes.split(","):
            corpus = args.scale_dir / f"scale-{size}.jsonl"
            if not corpus.exists():
                print(f"{corpus} not found", file=sys.stderr)
                continue
            ratios: list[float] = []
            counts: set[str] = set()
            for repeat in range(args.repeats):
                local_wall = None
                for engine in args.engines.split(","):
                    run = f"{size}-{engine}-{repeat}"
                    row = run_once(
                        corpus,
                        Path(tmp) / run,
                        engine,
                        args.threads,
                        args.driver_memory,
                        Path(tmp) / f"{run}-events" if args.shuffle else None,
                        uri=args.uri,
                        uri_out=args.uri_out,
                        jvm_threads=args.jvm_threads,
                    )
                    row["repeat"] = repeat + 1
                    counts.add(json.dumps(row["output_counts"], sort_keys=True))
                    if engine == "local":
                        local_wall = row["wall_s"]
                    elif local_wall:
                        row["times_local"] = round(row["wall_s"] / local_wall, 2)
                        ratios.append(row["times_local"])
                    print(json.dumps(row), flush=True)
            if args.repeats > 1:
                summary = {
                    "summary": f"scale-{size}",
                    "times_local": ratios,
                    "median_times_local": statistics.median(ratios) if ratios else None,
                    "same_output_counts": len(counts) == 1,
                }
                print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
