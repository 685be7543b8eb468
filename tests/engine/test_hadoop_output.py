"""Output to a Hadoop file system URI, written through Spark (#6).

``file://`` URIs go through the same Hadoop ``FileSystem`` API as ``hdfs://`` or
``s3a://`` (Hadoop's local file system, with its ``.crc`` checksum files), so these
tests exercise the code path a cluster uses: the staging folder, the stage markers,
the executors' Parquet folders, the manifest, and the final rename all go through
:class:`~textreuse.engine.hadoop_storage.HadoopStorage`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import textreuse
from textreuse.errors import ConfigError, OutputError
from textreuse.report import build_report

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus.jsonl"
OUTPUTS = ("documents", "passages", "clusters", "duplicates", "sites")


def _run(out: str | Path, engine: str = "spark", **options: Any) -> dict[str, Any]:
    return textreuse.run([EXAMPLES], out, engine=engine, threads=2, progress="none", **options)


def test_hadoop_storage_file_operations(tmp_path: Path, spark_session: Any) -> None:
    from textreuse.engine.hadoop_storage import HadoopStorage

    fs = HadoopStorage(spark_session)
    base = tmp_path.as_uri()
    assert fs.absolute(str(tmp_path)).startswith("file:///"), "a plain path gets its scheme"
    folder = f"{base}/a/b"
    fs.make_dirs(folder)
    assert fs.is_dir(folder) and fs.exists(folder)
    fs.write_text(f"{folder}/note.json", '{"über": "naïve"}')
    fs.write_text(f"{folder}/note.json", '{"über": "twice"}')  # replaces
    assert fs.read_text(f"{folder}/note.json") == '{"über": "twice"}'
    assert not fs.is_dir(f"{folder}/note.json")
    names = fs.list_names(folder)
    assert "note.json" in names and not any(name.endswith(".partial") for name in names)
    local = tmp_path / "local file [1].txt"  # a plain path, not percent-encoded or globbed
    local.write_text("from the driver", encoding="utf-8")
    fs.upload(local, f"{folder}/uploaded.txt")
    assert (tmp_path / "a" / "b" / "uploaded.txt").read_text() == "from the driver"
    fs.make_dirs(f"{base}/c")
    with pytest.raises(OutputError, match="cannot rename"):
        fs.rename(folder, f"{base}/c")  # Hadoop would move it into c: refused
    fs.rename(folder, f"{base}/d")
    assert not fs.exists(folder) and fs.read_text(f"{base}/d/note.json") == '{"über": "twice"}'
    fs.delete(f"{base}/d")
    fs.delete(f"{base}/d")  # missing: nothing to do
    assert not (tmp_path / "d").exists()
    with pytest.raises(OSError, match=r"cannot read .*missing\.json"):
        fs.read_text(f"{base}/missing.json")  # as a local file: OSError, not Java's error


def test_locations_keep_local_names_literal() -> None:
    from textreuse.engine.hadoop_storage import literal_location, local_location

    assert local_location("/data/my run 50%") == "file:///data/my run 50%"
    assert literal_location("file:///data/run [1]{a,b}*?") == r"file:///data/run \[1\]\{a,b\}\*\?"
    assert literal_location("hdfs://[::1]:8020/out[1]") == r"hdfs://[::1]:8020/out\[1\]"
    assert literal_location("/data/a\\b") == r"/data/a\\b"


def test_spark_writes_a_uri_with_the_local_results_and_resumes_there(
    tmp_path: Path, spark_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse.pipeline as pipeline

    local = _run(tmp_path / "local", engine="local")
    out_uri = (tmp_path / "remote").as_uri()

    def broken(self: object) -> None:
        raise RuntimeError("cluster stage exploded")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "cluster", broken)
        with pytest.raises(RuntimeError, match="exploded"):
            _run(out_uri)
    assert not (tmp_path / "remote").exists(), "a failed run leaves nothing at --out"
    markers = tmp_path / ".remote.partial" / "_work" / "stages"
    assert (markers / "align.json").is_file() and not (markers / "cluster.json").exists()
    stored = json.loads((markers / "align.json").read_text())["tables"]
    assert all(place.startswith(tmp_path.as_uri()) for place in stored.values())

    key_file = tmp_path / ".remote.partial" / "_work" / "run.json"
    key = key_file.read_bytes()
    key_file.unlink()
    with pytest.raises(ConfigError, match=r"run\.json is missing or damaged"):
        _run(out_uri, resume=True)
    key_file.write_bytes(key)

    manifest = _run(out_uri, resume=True)
    assert manifest["resumed_stages"][-1] == "align"
    out = tmp_path / "remote"
    for name in OUTPUTS:
        expected = pq.read_table(tmp_path / "local" / f"{name}.parquet")
        found = pq.read_table(out / f"{name}.parquet")
        assert found.schema.equals(expected.schema), name
        assert found.to_pylist() == expected.to_pylist(), name
    assert (out / "rejects.jsonl").read_text() == (tmp_path / "local" / "rejects.jsonl").read_text()
    written = json.loads((out / "manifest.json").read_text())
    assert written["output_counts"] == local["output_counts"]
    assert written["output_files"] == [f"{name}.parquet" for name in OUTPUTS]
    assert "textreuse.duckdb" in local["output_files"]
    assert not (out / "textreuse.duckdb").exists() and not (out / "_work").exists()
    assert not (tmp_path / ".remote.partial").exists()

    # the report reads the folders of part files as it reads the local engine's files
    spark_report, local_report = build_report(out), build_report(tmp_path / "local")
    assert spark_report.pop("out") != local_report.pop("out")
    assert spark_report == local_report and spark_report["counts"]["passages"] > 0
    with pytest.raises(OutputError, match="is a URI: report reads a local output folder"):
        build_report(out_uri)

    with pytest.raises(OutputError, match="already exists"):
        _run(out_uri)
    _run(out_uri, overwrite=True, min_words=30)
    replaced = json.loads((out / "manifest.json").read_text())
    assert replaced["parameters"]["align"]["min_words"] == 30
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".remote")] == []


def test_a_uri_output_needs_spark_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--engine spark"):
        _run((tmp_path / "out").as_uri(), engine="local")
    assert list(tmp_path.iterdir()) == []


def test_the_root_of_a_file_system_is_no_output_folder(spark_session: Any) -> None:
    with pytest.raises(OutputError, match="root of its file system"):
        _run("file:///")
