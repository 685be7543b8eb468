"""Spark driver start-up with and without the class data sharing archive (issue #6).

Each measurement is a new Python process (so a new JVM) that starts a
``SparkEngine`` (``local[2]``), runs a first small job (a grouped count written
to Parquet and a self-join read back), and closes the engine. The first process
writes the archive into a fresh cache folder (its close waits for the JVM to
write it); then runs with the archive (``on``) and without it (``off``)
alternate::

    python bench/spark_startup_bench.py [--repeats 3]

Prints one JSON line per process: ``start_s`` (engine start, session included),
``first_jobs_s`` and ``close_s``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

_MEASURE = """
import json, sys, time
from pathlib import Path
from textreuse.engine.spark import SparkEngine

work = Path(sys.argv[1])
began = time.monotonic()
engine = SparkEngine(work, 2)
started = time.monotonic()
spark = engine.spark
spark.range(200_000).selectExpr("id % 7 AS k", "id").groupBy("k").count() \\
    .write.mode("overwrite").parquet(str(work / "t.parquet"))
spark.read.parquet(str(work / "t.parquet")).createOrReplaceTempView("t")
spark.sql("SELECT a.k, count(*) FROM t AS a JOIN t AS b ON a.k = b.k GROUP BY a.k").collect()
ran = time.monotonic()
engine.close()
print(json.dumps({"start_s": round(started - began, 2), "first_jobs_s": round(ran - started, 2),
                  "close_s": round(time.monotonic() - ran, 2)}))
"""


def measure(mode: str, cache: Path, work: Path) -> dict[str, object]:
    env = {**os.environ, "TEXTREUSE_CACHE_DIR": str(cache), "TEXTREUSE_SPARK_CLASS_ARCHIVE": mode}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(work)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {"archive": mode, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="textreuse-startup-") as tmp:
        cache, work = Path(tmp) / "cache", Path(tmp) / "work"
        print(json.dumps({**measure("on", cache, work), "archive": "written"}), flush=True)
        for _ in range(args.repeats):
            for mode in ("on", "off"):
                print(json.dumps(measure(mode, cache, work)), flush=True)


if __name__ == "__main__":
    main()
