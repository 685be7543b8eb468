"""Inputs given as URIs are read by Spark's executors, with a local read's results (#6).

A folder of part files (JSON Lines, Parquet, CSV, a broken ``.jsonl.gz``, Hadoop's
``_SUCCESS`` and ``.crc`` files) holds the example corpus with planted problems:
ids repeated within a file and across files, a repeated id whose first record was
itself rejected, a repeated id on a record that is also too long, records without
an id or text, a record with a taken id and no text. Read file by file and compared
across files by the plan step ``input_records``, it must give the very records,
statuses, ids and rejects that one :class:`RecordReader` gives reading the folder
in order.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import compress

from textreuse.config import RunConfig
from textreuse.engine.local import DuckDBEngine
from textreuse.errors import ConfigError, InputError
from textreuse.io.input_files import is_uri
from textreuse.io.readers import ReadStats, RecordReader
from textreuse.schema import RECORD_SCHEMA
from textreuse.stages.uri_ingest import (
    READ_ROWS_SCHEMA,
    ReadInputFiles,
    ingest_uris,
    text_file_id,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus.jsonl"
MAX_DOC_CHARS = 20_000
OUTPUTS = ("documents", "passages", "clusters", "duplicates", "sites")


def _write_parts(folder: Path) -> Path:
    """The example corpus in three part files, with planted problems."""
    records = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    first, second, third = records[:12], records[12:24], records[24:]
    folder.mkdir()
    jsonl = [dict(r) for r in first]
    jsonl.insert(3, {"id": first[0]["id"], "text": "the same id again, in the same file"})
    jsonl.insert(5, {"id": "no-text"})
    jsonl.insert(6, {"text": "no id at all"})
    jsonl.insert(7, {"id": "bad-title", "text": "a title that is a list", "title": ["x"]})
    jsonl.append({"id": "blank", "text": "   "})
    (folder / "part-0.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in jsonl), encoding="utf-8"
    )
    parquet = [dict(r) for r in second]
    parquet.append({"id": "bad-title", "text": "this id's first record was rejected"})
    parquet.append({"id": first[1]["id"], "text": "x" * (MAX_DOC_CHARS + 1)})
    parquet.append({"id": first[2]["id"], "text": None})  # its own fault, and a taken id
    columns = ("id", "text", "site", "date", "title", "url", "author")
    table = pa.table({name: [r.get(name) for r in parquet] for name in columns})
    pq.write_table(table, folder / "part-1.parquet")
    # a compressed CSV: the tasks decompress the bytes they were given
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(columns)
    for record in [*third, {"id": second[0]["id"], "text": "an id from part-1"}]:
        writer.writerow([record.get(name) or "" for name in columns])
    with pa.CompressedOutputStream(str(folder / "part-2.csv.zst"), "zstd") as packed:
        packed.write(handle.getvalue().encode("utf-8"))
    (folder / "part-3.jsonl.gz").write_bytes(b"not gzip at all\n")
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-0.jsonl.crc").write_bytes(b"\x00")
    return folder


def _read_rows(folder: Path) -> pa.Table:
    """What the Spark tasks make of each record file, in one process."""
    files = sorted(
        p for p in folder.iterdir() if p.name.endswith((".jsonl", ".gz", ".parquet", ".zst"))
    )
    batch = pa.record_batch(
        {
            "input_index": pa.array([0] * len(files), pa.int32()),
            "path": [str(p) for p in files],
            "content": [p.read_bytes() for p in files],
        }
    )
    read = ReadInputFiles(MAX_DOC_CHARS, batch_size=7)
    return pa.Table.from_batches(list(read([batch])), schema=READ_ROWS_SCHEMA)


class _DuckWithFiles(DuckDBEngine):
    """The local engine, given the rows the Spark tasks would have read."""

    rows: pa.Table

    def read_files(self, uris: Any, job: Any, schema: pa.Schema, skip: Any = None) -> list[str]:
        path = self.work_dir / "read_rows.parquet"
        pq.write_table(self.rows, path)
        self.load_parquet("read_rows", path)
        return sorted({*self.rows.column("source").to_pylist(), "_SUCCESS"})


def ingest_rows_as_one_reader(
    work: Path, rows: pa.Table, expected: list[dict[str, Any]], reader: RecordReader
) -> tuple[_DuckWithFiles, ReadStats]:
    """Ingest the rows tasks read (``read_rows``) on the local engine; check that the
    records are ``expected`` and the rejects ``reader``'s, as one reader gave them."""
    work.mkdir()
    engine = _DuckWithFiles(work, 1)
    engine.rows = rows
    config = RunConfig.from_options(max_doc_chars=MAX_DOC_CHARS, batch_size=7)
    stats, rejects = ingest_uris(engine, ["file:///unused"], config)
    names = RECORD_SCHEMA.names
    found = engine.fetch(
        f"SELECT {', '.join(names)} FROM input_records ORDER BY input_index, source, record_index"
    )
    assert [dict(zip(names, row, strict=True)) for row in found] == expected
    assert [r.to_dict() for r in rejects] == [r.to_dict() for r in reader.rejects]
    return engine, stats


def test_ids_compared_across_files_as_one_reader_does(tmp_path: Path) -> None:
    folder = _write_parts(tmp_path / "parts")
    reader = RecordReader([folder], max_doc_chars=MAX_DOC_CHARS, batch_size=7)
    expected = pa.Table.from_batches(list(reader.batches())).to_pylist()
    assert reader.stats.rejected >= 9  # the planted problems are really there
    engine, stats = ingest_rows_as_one_reader(
        tmp_path / "work", _read_rows(folder), expected, reader
    )
    assert (stats.read, stats.ok, stats.empty, stats.rejected) == (
        reader.stats.read,
        reader.stats.ok,
        reader.stats.empty,
        reader.stats.rejected,
    )
    assert stats.files == reader.stats.files == 4  # not _SUCCESS, listed as ignored
    assert stats.ignored_files == ["_SUCCESS"]
    assert engine.count("records") == reader.stats.read
    engine.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hdfs://namenode:8020/corpus", True),
        ("s3a://bucket/news/", True),
        ("file:///tmp/x.jsonl", True),
        ("/tmp/x.jsonl", False),
        ("data/x.jsonl", False),
        ("C:\\corpus\\x.jsonl", False),
        ("hdfs:/one-slash", False),
    ],
)
def test_what_counts_as_a_uri(value: str, expected: bool) -> None:
    assert is_uri(value) is expected


def test_uris_need_spark_and_are_not_mixed_with_paths(tmp_path: Path) -> None:
    import textreuse

    with pytest.raises(ConfigError, match="--engine spark"):
        textreuse.run(["hdfs://namenode/corpus"], tmp_path / "a", progress="none")
    with pytest.raises(ConfigError, match="not both"):
        textreuse.run(
            ["hdfs://namenode/corpus", str(EXAMPLES)],
            tmp_path / "b",
            engine="spark",
            progress="none",
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def _without_scheme(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Spark names a local file ``file:/PATH``, the local reader ``/PATH`` (also in the
    ``SOURCE#LOCATION`` ids of rejected records); in order of the ids that gives."""
    named = [
        {
            k: v.removeprefix("file:") if k in ("source", "doc_id") and isinstance(v, str) else v
            for k, v in row.items()
        }
        for row in rows
    ]
    return sorted(named, key=lambda row: str(row.get("doc_id")))


def _run_both(folder: Path, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run ``folder`` on the local engine and, as a ``file://`` URI, on Spark; check
    that the five outputs are the same, and return both manifests."""
    import textreuse

    options: dict[str, Any] = {"threads": 2, "progress": "none", "max_doc_chars": MAX_DOC_CHARS}
    local = textreuse.run([folder], tmp_path / "local", **options)
    found = textreuse.run([folder.as_uri()], tmp_path / "spark", engine="spark", **options)
    for name in OUTPUTS:
        expected = pq.read_table(tmp_path / "local" / f"{name}.parquet")
        table = pq.read_table(tmp_path / "spark" / f"{name}.parquet")
        assert table.schema.equals(expected.schema), name
        assert _without_scheme(table.to_pylist()) == _without_scheme(expected.to_pylist()), name
    assert local["output_counts"]["passages"] > 0
    return local, found


def test_spark_reads_a_uri_with_the_local_results(tmp_path: Path, spark_session: Any) -> None:
    local, found = _run_both(_write_parts(tmp_path / "parts"), tmp_path)
    rejects = [
        json.loads(line) for line in (tmp_path / "spark" / "rejects.jsonl").read_text().splitlines()
    ]
    expected_rejects = [
        json.loads(line) for line in (tmp_path / "local" / "rejects.jsonl").read_text().splitlines()
    ]
    for reject in rejects:  # in input order, naming files as Spark does
        reject["source"] = reject["source"].removeprefix("file:")
        reject["reason"] = reject["reason"].replace("first seen in file:/", "first seen in /")
    assert rejects == expected_rejects
    for key in ("read", "ok", "empty", "rejected", "rejected_by_reason"):
        assert found["input_counts"][key] == local["input_counts"][key], key
    assert found["input_counts"]["files"] == 4  # the four record files, not _SUCCESS or .crc


def test_a_uri_spark_cannot_read_is_an_input_error(tmp_path: Path, spark_session: Any) -> None:
    import textreuse

    missing = (tmp_path / "nothing-here").as_uri()
    with pytest.raises(InputError, match="nothing-here"):
        textreuse.run([missing], tmp_path / "out", engine="spark", progress="none")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("root", "path", "expected"),
    [
        ("file:///data/texts", "file:/data/texts/a.txt", "a.txt"),
        ("file:///data/texts/", "file:/data/texts/sub/b.txt", "sub/b.txt"),
        ("hdfs://nn/corpus", "hdfs://nn:8020/corpus/2024/x.txt", "2024/x.txt"),
        ("s3a://bucket", "s3a://bucket/top.txt", "top.txt"),
        ("file:///data/texts/a.txt", "file:/data/texts/a.txt", "a.txt"),
        ("hdfs://nn/corpus/*/x.txt", "hdfs://nn/corpus/2024/x.txt", "x.txt"),
        ("file:///data/my%20texts", "file:/data/my texts/c.txt", "c.txt"),
        ("file:///data/texts", "file:/data/texts-old/d.txt", "d.txt"),
    ],
)
def test_a_text_file_is_named_by_its_path_below_the_uri(
    root: str, path: str, expected: str
) -> None:
    assert text_file_id(root, path) == expected


def _write_texts(folder: Path) -> Path:
    """The example corpus as ``.txt`` files in two levels of folders, some of them
    compressed, with a binary file, an empty one, a cp1252 one, one not compressed as
    its name says and a file that is not text."""
    records = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    for index, record in enumerate(records):
        suffix = ("", ".gz", ".zst")[index % 3]
        place = folder / ("early" if index < 20 else "late") / f"{record['id']}.txt{suffix}"
        place.parent.mkdir(parents=True, exist_ok=True)
        data = record["text"].encode("utf-8")
        place.write_bytes(compress(data, suffix) if suffix else data)
    (folder / "fake.txt.bz2").write_bytes(b"plain text, not bzip2")
    (folder / "binary.txt").write_bytes(b"text with a \x00 byte")
    (folder / "blank.txt").write_bytes(b"  \n")
    (folder / "legacy.txt").write_bytes("caf\u00e9 in cp1252".encode("cp1252"))
    (folder / "notes.md").write_text("not an input", encoding="utf-8")
    return folder


def test_text_files_read_by_tasks_as_one_reader_reads_them(tmp_path: Path) -> None:
    folder = _write_texts(tmp_path / "texts")
    reader = RecordReader([folder], max_doc_chars=MAX_DOC_CHARS, batch_size=7)
    expected = pa.Table.from_batches(list(reader.batches())).to_pylist()
    assert reader.stats.rejected == 3 and reader.stats.empty == 1  # binary, cp1252, fake; blank
    assert any(row["doc_id"].endswith(".txt.zst") for row in expected if row["status"] == "ok")
    files = sorted(p for p in folder.rglob("*.txt*"))
    batch = pa.record_batch(
        {
            "input_index": pa.array([0] * len(files), pa.int32()),
            "path": [f"file:{p}" for p in files],
            "content": [p.read_bytes() for p in files],
        }
    )
    read = ReadInputFiles(MAX_DOC_CHARS, batch_size=7, roots=(folder.as_uri(),))
    rows = pa.Table.from_batches(list(read([batch])), schema=READ_ROWS_SCHEMA).to_pylist()
    columns = list(expected[0])
    found = [
        {k: v.removeprefix("file:") if k == "source" else v for k, v in row.items() if k in columns}
        for row in rows
    ]
    by_id = {row["doc_id"]: row for row in expected}
    assert sorted(row["doc_id"] for row in found) == sorted(by_id)
    assert all(row == by_id[row["doc_id"]] for row in found)
    legacy = ReadInputFiles(MAX_DOC_CHARS, 7, (folder.as_uri(),), txt_fallback_encoding="cp1252")
    one = pa.record_batch(
        {
            "input_index": pa.array([0], pa.int32()),
            "path": [f"file:{folder / 'legacy.txt'}"],
            "content": [(folder / "legacy.txt").read_bytes()],
        }
    )
    (row,) = pa.Table.from_batches(list(legacy([one]))).to_pylist()
    assert row["doc_id"] == "legacy.txt" and row["status"] == "ok"
    assert row["text"] == "caf\u00e9 in cp1252"


def test_spark_reads_a_folder_of_texts_with_the_local_results(
    tmp_path: Path, spark_session: Any
) -> None:
    local, found = _run_both(_write_texts(tmp_path / "texts"), tmp_path)
    ids = set(pq.read_table(tmp_path / "spark" / "documents.parquet").column("doc_id").to_pylist())
    assert {"binary.txt", "blank.txt", "legacy.txt"} <= ids
    assert any(doc_id.startswith("late/") for doc_id in ids)
    for key in ("files", "read", "ok", "empty", "rejected", "rejected_by_reason"):
        assert found["input_counts"][key] == local["input_counts"][key], key
    assert [Path(p).name for p in found["input_counts"]["ignored_files"]] == ["notes.md"]


def test_spark_skips_a_run_output_below_the_uri_as_a_local_read_does(
    tmp_path: Path, spark_session: Any
) -> None:
    import textreuse

    folder = _write_texts(tmp_path / "texts")
    textreuse.run([folder], folder / "results", threads=1, progress="none")
    local, found = _run_both(folder, tmp_path)
    for key in ("files", "read", "ok", "empty", "rejected"):
        assert found["input_counts"][key] == local["input_counts"][key], key
    for counts in (local["input_counts"], found["input_counts"]):
        ignored = sorted(p.removeprefix("file:") for p in counts["ignored_files"])
        assert ignored == [str(folder / "notes.md"), f"{folder / 'results'}/"]


def test_a_tasks_batch_ends_where_its_text_passes_the_character_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textreuse.stages import uri_ingest

    monkeypatch.setattr(uri_ingest, "MAX_BATCH_CHARS", 1000)
    texts = ["x" * 330, "y" * 330, "z" * 330, "w" * 1500, "v"]
    data = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    batch = pa.record_batch(
        {
            "input_index": pa.array([0], pa.int32()),
            "path": ["part-0.jsonl"],
            "content": [data.encode("utf-8")],
        }
    )
    read = ReadInputFiles(MAX_DOC_CHARS, batch_size=100)
    batches = list(read([batch]))
    records = [[row["text"] for row in b.to_pylist() if row["record_index"] >= 0] for b in batches]
    # a batch ends after the row that reaches the limit; the file's counts come last
    assert records[:3] == [texts[:3], texts[3:4], texts[4:]]
