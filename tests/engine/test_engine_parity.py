"""The Spark engine gives exactly the local engine's results, end to end (issue #6).

Each data set is run by ``textreuse.run`` on the local engine and on Spark
(``local[2]``, one session for the module, which the pipeline's engine picks up as
the active session). Every output table must be the same, row for row and in
order (ids, offsets, scores, clusters, groups), and so must the rejects and the
manifest's counts. The Spark run of the example corpus is first broken in a late
stage and then resumed, so resuming is checked on Spark too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from textreuse.errors import MissingExtraError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples" / "corpus.jsonl"

#: data set: inputs and options
DATA_SETS: dict[str, tuple[list[Path], dict[str, Any]]] = {
    "seeds": ([DATA / "seeds"], {}),
    "examples": ([EXAMPLES], {}),
    "clough-dev": ([DATA / "clough-dev" / "docs"], {"txt_fallback_encoding": "cp1252"}),
    "pan13-dev": ([DATA / "pan13-dev" / "susp", DATA / "pan13-dev" / "src"], {}),
}
OUTPUTS = ("documents", "passages", "clusters", "duplicates", "sites")


def _run(inputs: list[Path], out: Path, engine: str, **options: Any) -> dict[str, Any]:
    import textreuse

    return textreuse.run(inputs, out, engine=engine, threads=2, progress="none", **options)


def _assert_same_outputs(local: Path, spark: Path) -> None:
    for name in OUTPUTS:
        expected = pq.read_table(local / f"{name}.parquet")
        found = pq.read_table(spark / f"{name}.parquet")
        assert found.schema.equals(expected.schema), name
        assert found.to_pylist() == expected.to_pylist(), name
    assert (spark / "rejects.jsonl").read_text() == (local / "rejects.jsonl").read_text()
    local_manifest = json.loads((local / "manifest.json").read_text())
    spark_manifest = json.loads((spark / "manifest.json").read_text())
    for key in ("input_counts", "output_counts", "dates", "directions"):
        assert spark_manifest[key] == local_manifest[key], key
    assert spark_manifest["engine"] == "spark"


@pytest.mark.parametrize("data_set", ["seeds", "clough-dev", "pan13-dev"])
def test_spark_gives_the_local_results(data_set: str, tmp_path: Path, spark_session: Any) -> None:
    inputs, options = DATA_SETS[data_set]
    if not all(path.exists() for path in inputs):
        pytest.skip(f"{data_set} is not in {DATA}")
    _run(inputs, tmp_path / "local", "local", **options)
    manifest = _run(inputs, tmp_path / "spark", "spark", **options)
    _assert_same_outputs(tmp_path / "local", tmp_path / "spark")
    assert manifest["output_counts"]["passages"] > 0, "the data set exercises nothing"


def test_spark_paths_for_large_tables_give_the_local_results(
    tmp_path: Path, spark_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Document keys, passage ids and cluster ids numbered by range partitions, and
    components labelled by large-star / small-star rounds (as for tables too large
    for one task), give the local engine's outputs."""
    from textreuse.engine import spark as spark_module

    inputs, options = DATA_SETS["pan13-dev"]
    if not all(path.exists() for path in inputs):
        pytest.skip(f"pan13-dev is not in {DATA}")
    monkeypatch.setattr(spark_module, "NUMBER_IN_ONE_TASK_ROWS", 40)
    monkeypatch.setattr(spark_module, "COMPONENTS_IN_ONE_TASK_EDGES", 40)  # by rounds
    _run(inputs, tmp_path / "local", "local", **options)
    manifest = _run(inputs, tmp_path / "spark", "spark", **options)
    _assert_same_outputs(tmp_path / "local", tmp_path / "spark")
    assert manifest["output_counts"]["passages"] > 40  # numbered in several ranges


def test_spark_command_line_is_quiet_and_gives_the_local_results(tmp_path: Path) -> None:
    """``textreuse run --engine spark -q`` in its own process (its own JVM): nothing on
    the terminal (Spark's start-up notices go to the work folder's log), same outputs.
    The output folder's name has a space (the JVM's options name files in it), a quote
    and Hadoop glob characters (Spark's readers glob)."""
    inputs, options = DATA_SETS["seeds"]
    if not all(path.exists() for path in inputs):
        pytest.skip(f"seeds are not in {DATA}")
    pytest.importorskip("pyspark", reason="pip install 'textreuse[spark]'")
    _run(inputs, tmp_path / "local", "local", **options)
    command = [sys.executable, "-m", "textreuse.cli", "run", *map(str, inputs)]
    out = tmp_path / "spark out's [1]{a,b}*"
    command += ["--out", str(out), "--engine", "spark", "--threads", "2", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    _assert_same_outputs(tmp_path / "local", out)


def test_spark_without_java_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pip install 'textreuse[spark]'")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "one short text"}\n', encoding="utf-8")
    python_bin = str(Path(sys.executable).parent)
    env = {"PATH": f"{python_bin}:/usr/bin:/bin", "JAVA_HOME": str(tmp_path / "no-java")}
    command = [sys.executable, "-m", "textreuse.cli", "run", str(corpus)]
    command += ["--out", str(tmp_path / "out"), "--engine", "spark", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    assert "the Spark engine could not start a session on local[" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_spark_run_resumes_after_a_failure_with_the_local_results(
    tmp_path: Path, spark_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse.pipeline as pipeline

    inputs, options = DATA_SETS["examples"]
    _run(inputs, tmp_path / "local", "local", **options)

    def broken(self: object) -> None:
        raise RuntimeError("cluster stage exploded")

    out = tmp_path / "spark"
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "cluster", broken)
        with pytest.raises(RuntimeError, match="exploded"):
            _run(inputs, out, "spark", **options)
    assert not out.exists()
    manifest = _run(inputs, out, "spark", resume=True, **options)
    assert manifest["resumed_stages"] == [
        "ingest",
        "boilerplate",
        "keys",
        "fingerprint",
        "candidates",
        "align",
    ]
    _assert_same_outputs(tmp_path / "local", out)


def test_spark_engine_without_pyspark_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[spark\]'"):
        _run([EXAMPLES], tmp_path / "out", "spark")
    assert not (tmp_path / "out").exists()
