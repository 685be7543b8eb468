"""Tests for textreuse.io.readers: every input format, every kind of bad record."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import compress
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textreuse.errors import ConfigError, DuplicateIdError, InputError
from textreuse.io import readers
from textreuse.io.formats import CORPUS_REJECTED, LEGACY_ENCODING_HINT
from textreuse.io.input_files import RUN_OUTPUT_MARKERS, run_output_folders
from textreuse.io.readers import ReadStats, RecordReader, Reject
from textreuse.output import OUTPUT_FILES
from textreuse.schema import RECORD_SCHEMA


def read_all(reader: RecordReader) -> list[dict[str, object]]:
    """Read every batch, check the schema and counting invariant, return rows."""
    rows: list[dict[str, object]] = []
    for batch in reader.batches():
        assert batch.schema.equals(RECORD_SCHEMA)
        assert batch.num_rows <= reader.batch_size
        rows.extend(batch.to_pylist())
    stats = reader.stats
    assert stats.read == stats.ok + stats.empty + stats.rejected == len(rows)
    assert stats.rejected == len(reader.rejects)
    return rows


def read_paths(
    *paths: Path | str, **options: object
) -> tuple[list[dict[str, object]], RecordReader]:
    reader = RecordReader(list(paths), **options)  # type: ignore[arg-type]
    return read_all(reader), reader


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def only_reject(reader: RecordReader) -> Reject:
    assert len(reader.rejects) == 1, reader.rejects
    return reader.rejects[0]


# ------------------------------------------------------------------------ happy paths


def test_jsonl_happy_path_keeps_metadata_and_converts(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": "x1", "text": "Hello\r\nworld", "site": "s", "date": "2020-01-01",
             "title": "T", "url": "http://u", "author": "A", "extra": [1, 2]},
            {"id": 42, "text": "second", "date": 2020, "title": 1.5, "author": None},
        ],
    )  # fmt: skip
    rows, reader = read_paths(path)
    assert rows[0] == {
        "doc_id": "x1",
        "text": "Hello\r\nworld",
        "site": "s",
        "date": "2020-01-01",
        "title": "T",
        "url": "http://u",
        "author": "A",
        "status": "ok",
        "source": str(path),
        "location": "line 1",
    }
    assert rows[1]["doc_id"] == "42"
    assert rows[1]["date"] == "2020"
    assert rows[1]["title"] == "1.5"
    assert rows[1]["author"] is None
    assert rows[1]["location"] == "line 2"
    assert reader.stats.ok == 2 and reader.stats.files == 1 and reader.rejects == []


def test_jsonl_blank_lines_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(b'\n{"id": "a", "text": "t"}\r\n   \n{"id": "b", "text": "u"}')
    rows, reader = read_paths(path)
    assert [(r["doc_id"], r["location"]) for r in rows] == [("a", "line 2"), ("b", "line 4")]
    assert reader.stats.read == 2


def test_jsonl_gz_happy_path(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as f:
        for i in range(5):
            f.write(json.dumps({"id": i, "text": f"doc {i}\r\n"}) + "\n")
    rows, _ = read_paths(path)
    assert [r["text"] for r in rows] == [f"doc {i}\r\n" for i in range(5)]


def test_parquet_happy_path(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "text": ["a\r\nb", "  ", "c"],
            "title": ["t1", None, "t3"],
            "date": pa.array([1.5, 2.0, None]),
            "other": [1, 2, 3],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    rows, reader = read_paths(path, batch_size=2)
    assert [r["doc_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["text"] == "a\r\nb"
    assert [r["title"] for r in rows] == ["t1", None, "t3"]
    assert rows[0]["date"] == "1.5"
    assert [r["location"] for r in rows] == ["row 1", "row 2", "row 3"]
    assert [r["status"] for r in rows] == ["ok", "empty", "ok"]
    assert reader.stats.empty == 1


def test_csv_happy_path_with_embedded_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        b"\xef\xbb\xbfid,title,text\r\n"
        b'1,First,"line one\r\nline two"\r\n'
        b"2,,plain\r\n"
        b"\r\n"
        b'3,Third,"with ""quotes"", and\nLF"\r\n'
    )
    rows, reader = read_paths(path)
    assert [r["doc_id"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["text"] == "line one\r\nline two"
    assert rows[0]["title"] == "First"
    assert rows[1]["title"] is None
    assert rows[2]["text"] == 'with "quotes", and\nLF'
    assert [r["location"] for r in rows] == ["row 1 (line 2)", "row 2 (line 4)", "row 3 (line 6)"]
    assert reader.rejects == []


def test_folder_of_txt_files(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.txt").write_text("hidden")
    (folder / "b.txt").write_bytes(b"\xef\xbb\xbfbee\r\nline\r")
    (folder / "sub" / "a.txt").write_bytes(b"sub a")
    (folder / "a.txt").write_bytes(b"a")
    (folder / "notes.md").write_text("ignored")
    (folder / ".DS_Store").write_bytes(b"\x00")
    rows, reader = read_paths(folder)
    assert [r["doc_id"] for r in rows] == ["a.txt", "b.txt", "sub/a.txt"]
    assert rows[1]["text"] == "bee\r\nline\r"
    assert {r["location"] for r in rows} == {"file"}
    assert rows[2]["source"] == os.path.join(str(folder), "sub/a.txt")
    assert sorted(reader.stats.ignored_files) == sorted(
        [
            os.path.join(str(folder), ".hidden") + os.sep,
            os.path.join(str(folder), ".DS_Store"),
            os.path.join(str(folder), "notes.md"),
        ]
    )
    assert reader.stats.files == 3


def test_run_output_markers_are_files_every_run_writes() -> None:
    assert set(OUTPUT_FILES) >= RUN_OUTPUT_MARKERS


def test_run_output_folders_among_listed_uris() -> None:
    paths = [
        "hdfs://nn/corpus/a.jsonl",
        "hdfs://nn/corpus/out/manifest.json",
        "hdfs://nn/corpus/out/documents.parquet",
        "hdfs://nn/corpus/out/passages.parquet",
        "hdfs://nn/corpus/out/clusters.parquet",
        "hdfs://nn/corpus/part/documents.parquet",  # not all of a run's files
        "hdfs://nn/corpus/part/manifest.json",
        "hdfs://nn/corpus/deep/x/out2/passages.parquet",
        "hdfs://nn/corpus/deep/x/out2/documents.parquet",
        "hdfs://nn/corpus/deep/x/out2/manifest.json",
        "hdfs://nn/corpus/out/copy/manifest.json",  # an output inside an output
        "hdfs://nn/corpus/out/copy/documents.parquet",
        "hdfs://nn/corpus/out/copy/passages.parquet",
        "hdfs://nn/corpus/outer/x.txt",  # a name starting as a found folder's does
    ]
    assert run_output_folders(paths) == ["hdfs://nn/corpus/deep/x/out2/", "hdfs://nn/corpus/out/"]
    assert run_output_folders(paths[:1]) == []


def test_a_folder_holding_a_run_output_is_listed_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    results = folder / "2024" / "results"
    results.mkdir(parents=True)
    (folder / "a.txt").write_text("kept")
    for name in RUN_OUTPUT_MARKERS:
        (results / name).write_text("not read")
    (results / "notes.txt").write_text("not read either")
    rows, reader = read_paths(folder)
    assert [r["doc_id"] for r in rows] == ["a.txt"]
    assert reader.stats.ignored_files == [os.path.join(str(results), "")]
    # named itself, it is skipped the same way: its documents.parquet is the input to name
    rows, reader = read_paths(results)
    assert rows == [] and reader.stats.ignored_files == [os.path.join(str(results), "")]


def test_single_txt_file(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"one\r\ntwo")
    rows, _ = read_paths(path)
    assert rows == [
        {
            "doc_id": "doc.txt",
            "text": "one\r\ntwo",
            "site": None,
            "date": None,
            "title": None,
            "url": None,
            "author": None,
            "status": "ok",
            "source": str(path),
            "location": "file",
        }
    ]


def test_mixed_inputs_and_stats_dict(tmp_path: Path) -> None:
    jsonl = write_jsonl(tmp_path / "a.jsonl", [{"id": "j", "text": "x"}])
    txt = tmp_path / "t.txt"
    txt.write_text("")
    rows, reader = read_paths(jsonl, txt)
    assert [r["status"] for r in rows] == ["ok", "empty"]
    assert reader.stats.to_dict() == {
        "read": 2,
        "ok": 1,
        "empty": 1,
        "rejected": 0,
        "files": 2,
        "ignored_files": [],
        "skipped_warc_records": {},
        "html_decoding": {},
    }
    assert ReadStats().read == 0


# ------------------------------------------------------------------------- bad records


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "a", "text": ', "malformed JSON: Expecting value at column 21"),
        (b'{"id": "a", "text": "open', "malformed JSON: Unterminated string starting at column 21"),
        (b'["a", "b"]', "expected a JSON object, got list"),
        (b'{"text": "t"}', "missing required field 'id'"),
        (b'{"id": "a"}', "missing required field 'text'"),
        (b'{"id": "a", "text": 5}', "field 'text' must be a string, got integer"),
        (b'{"id": 1.5, "text": "t"}', "field 'id' must be a string or integer, got number"),
        (b'{"id": true, "text": "t"}', "field 'id' must be a string or integer, got boolean"),
        (b'{"id": "", "text": "t"}', "field 'id' is empty"),
        (b'{"id": "a", "text": "t", "date": []}', "field 'date' must be a string, got list"),
        (b'{"id": "a", "text": "t", "url": {}}', "field 'url' must be a string, got object"),
        (b'{"id": "a", "text": "t", "site": false}', "field 'site' must be a string, got boolean"),
        (b'{"id": "a", "text": "\\ud800"}', "field 'text' contains an unpaired surrogate escape"),
        (b'{"id": "a", "text": "caf\xc3"}', "invalid UTF-8 at byte offset 24 of the line"),
    ],
)
def test_jsonl_bad_line_rejected(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "ok", "text": "fine"}\n' + line + b"\n")
    rows, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.reason == reason
    assert reject.location == "line 2"
    assert reject.source == str(path)
    assert rows[1]["status"] == "rejected"
    assert rows[1]["text"] is None
    assert rows[1]["location"] == "line 2"
    unparsed = reason.startswith(("malformed", "invalid UTF-8", "expected a JSON object"))
    has_id = b'"id": "a"' in line and not unparsed
    expected_id = "a" if has_id else None
    assert reject.doc_id == expected_id
    assert rows[1]["doc_id"] == (expected_id or f"{path}#line 2")
    assert rows[0]["status"] == "ok"


def test_reject_to_dict() -> None:
    reject = Reject("f.jsonl", "line 3", None, "why")
    assert reject.to_dict() == {
        "source": "f.jsonl",
        "location": "line 3",
        "doc_id": None,
        "reason": "why",
    }


def test_fail_mode_raises_at_first_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "text": "t"}\n{"id": "b"}\n')
    reader = RecordReader([path], on_error="fail")
    with pytest.raises(InputError) as info:
        read_all(reader)
    assert info.value.location == "line 2"
    assert info.value.reason == "missing required field 'text'"
    assert str(info.value) == f"{path}, line 2: missing required field 'text'"


def test_empty_documents_are_not_rejected(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "a", "text": ""}, {"id": "b", "text": " \n\t"}]
    )
    rows, reader = read_paths(path, on_error="fail")
    assert [(r["status"], r["text"]) for r in rows] == [("empty", ""), ("empty", " \n\t")]
    assert reader.stats.empty == 2 and reader.stats.rejected == 0


def test_huge_document_rejected(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "a", "text": "x" * 11}, {"id": "b", "text": "y"}]
    )
    rows, reader = read_paths(path, max_doc_chars=10)
    reject = only_reject(reader)
    assert reject.reason == (
        "document has 11 characters, more than the limit of 10 (--max-doc-chars)"
    )
    assert reject.doc_id == "a" and rows[0]["doc_id"] == "a"
    assert rows[1]["status"] == "ok"


def test_huge_txt_file_rejected_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 41)
    _, reader = read_paths(path, max_doc_chars=10)
    assert only_reject(reader).reason == (
        "document has at least 11 characters (41 bytes), more than the limit of 10 "
        "(--max-doc-chars)"
    )


def test_txt_binary_and_undecodable(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "bin.txt").write_bytes(b"abc\x00def")
    (folder / "latin.txt").write_bytes(b"\xef\xbb\xbfcaf\xe9!")
    (folder / "ok.txt").write_bytes(b"fine")
    rows, reader = read_paths(folder)
    assert [(r.doc_id, r.location, r.reason) for r in reader.rejects] == [
        ("bin.txt", "file", "binary file (NUL byte at offset 3)"),
        ("latin.txt", "file", f"invalid UTF-8 at byte offset 6 ({LEGACY_ENCODING_HINT})"),
    ]
    assert [r["status"] for r in rows] == ["rejected", "rejected", "ok"]
    assert [r["doc_id"] for r in rows] == ["bin.txt", "latin.txt", "ok.txt"]


def test_compressed_text_files_are_read_like_plain_ones(tmp_path: Path) -> None:
    """A folder of ``.txt.gz`` (``.bz2``, ``.xz``, ``.zst``) files, or one given alone,
    gives each file's decompressed text, with its path as id; a file not compressed as
    its name says, a cut stream and one too long once decompressed are rejected."""
    folder = tmp_path / "texts"
    (folder / "sub").mkdir(parents=True)
    text = "Caf\u00e9 owners say the street\r\nreopened.\n"
    for suffix in (".gz", ".bz2", ".xz", ".zst"):
        (folder / "sub" / f"story{suffix}.txt{suffix}").write_bytes(
            compress(("\ufeff" + text).encode(), suffix)
        )
    (folder / "plain.txt").write_text(text, encoding="utf-8", newline="")
    (folder / "fake.txt.gz").write_bytes(text.encode())
    (folder / "cut.txt.xz").write_bytes(compress(text.encode() * 50, ".xz")[:40])
    (folder / "long.txt.gz").write_bytes(compress(b"word " * 100, ".gz"))
    rows, reader = read_paths(folder, max_doc_chars=100)
    texts = {r["doc_id"]: r["text"] for r in rows if r["status"] == "ok"}
    assert texts == {
        "plain.txt": text,
        **{f"sub/story{x}.txt{x}": text for x in (".gz", ".bz2", ".xz", ".zst")},
    }
    assert {(r.doc_id, r.reason) for r in reader.rejects} == {
        ("cut.txt.xz", "truncated xz stream"),
        ("fake.txt.gz", "not a gzip file (its name ends in .gz)"),
        (
            "long.txt.gz",
            "document has at least 101 characters (over 400 bytes decompressed), more than "
            "the limit of 100 (--max-doc-chars)",
        ),
    }
    alone, _ = read_paths(folder / "sub" / "story.zst.txt.zst")
    assert [(r["doc_id"], r["text"]) for r in alone] == [("story.zst.txt.zst", text)]


def test_partitioned_parquet_folder(tmp_path: Path) -> None:
    """A folder of record files (a partitioned Parquet data set, as Spark writes one)
    is read file by file, each record with its own id; markers are listed as ignored."""
    folder = tmp_path / "corpus"
    (folder / "site=a").mkdir(parents=True)
    (folder / "site=b").mkdir()
    pq.write_table(
        pa.table({"id": ["a1", "a2"], "text": ["first", "second"]}),
        folder / "site=a" / "part-00000.parquet",
    )
    pq.write_table(
        pa.table({"id": ["b1", "a1"], "text": ["third", "a duplicate id"]}),
        folder / "site=b" / "part-00001.parquet",
    )
    (folder / "site=b" / "extra.jsonl").write_text('{"id": "j1", "text": "from json"}\n')
    (folder / "_SUCCESS").write_text("")
    (folder / "site=a" / ".part-00000.parquet.crc").write_bytes(b"\x00")
    rows, reader = read_paths(folder)
    assert [(r["doc_id"], r["status"]) for r in rows[:4]] == [
        ("a1", "ok"),
        ("a2", "ok"),
        ("j1", "ok"),
        ("b1", "ok"),
    ]
    assert rows[4]["status"] == "rejected"
    assert str(rows[4]["doc_id"]).endswith("part-00001.parquet#row 2")
    (reject,) = reader.rejects
    assert reject.source.endswith("part-00001.parquet") and "a1" in reject.reason
    assert reader.stats.files == 3
    assert os.path.join(str(folder), "_SUCCESS") in reader.stats.ignored_files


def test_unreadable_txt_inside_folder(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    locked = folder / "locked.txt"
    locked.write_text("secret")
    (folder / "ok.txt").write_text("fine")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with privileges that can read a chmod 000 file")
        rows, reader = read_paths(folder)
        reject = only_reject(reader)
        assert reject.doc_id == "locked.txt"
        assert reject.reason.startswith("cannot read file: ")
        assert [r["status"] for r in rows] == ["rejected", "ok"]
    finally:
        locked.chmod(0o644)


def test_unreadable_input_file_is_file_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated, so it also runs as root (where chmod 000 does not stop reading)."""
    from textreuse.io import formats

    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "t"}])
    other = write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "text": "t"}])

    def deny(name: object, *args: object, **kwargs: object) -> object:
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return open(name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(formats, "open", deny, raising=False)
    rows, reader = read_paths(path, other)
    reject = only_reject(reader)
    assert (reject.location, reject.reason) == ("file", "cannot read file: Permission denied")
    assert [r["status"] for r in rows] == ["rejected", "ok"]
    with pytest.raises(InputError, match="cannot read file"):
        read_all(RecordReader([path, other], on_error="fail"))


def test_nonexistent_path_raises_before_reading(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "t"}])
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError) as info:
        RecordReader([good, missing])
    assert info.value.source == str(missing)
    assert info.value.reason == "no such file or folder"


def test_unsupported_extension_raises(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("x")
    with pytest.raises(InputError) as info:
        RecordReader([path], on_error="skip")
    assert info.value.reason == (
        "unsupported input type '.xyz': expected .jsonl or .ndjson (JSON Lines), .csv or "
        ".tsv, .txt, .html or .htm (each optionally compressed: .gz, .bz2, .xz, .zst), "
        ".parquet, .warc, .warc.gz or a folder"
    )


@pytest.mark.parametrize("name", ["data.json", "data.json.gz"])
def test_a_json_file_is_told_to_be_named_jsonl(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    with pytest.raises(InputError, match=r"'\.json'.*one JSON object per line, name it \.jsonl"):
        RecordReader([path])


COMPRESSIONS = [".gz", ".bz2", ".xz", ".zst"]
_FORMAT_NAMES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz", ".zst": "zstd"}


@pytest.mark.parametrize("suffix", COMPRESSIONS)
def test_compressed_jsonl_and_csv_read_as_plain(tmp_path: Path, suffix: str) -> None:
    lines = [json.dumps({"id": f"j{i}", "text": f"doc {i}\r\nnext"}) for i in range(300)]
    jsonl = tmp_path / f"a.jsonl{suffix}"
    jsonl.write_bytes(compress("\n".join(lines).encode(), suffix))
    table = 'id,text,site\r\nc1,"two\nlines",s\r\nc2,plain,\r\n'
    csv_file = tmp_path / f"b.CSV{suffix.upper()}"  # suffixes match in any case
    csv_file.write_bytes(compress(table.encode(), suffix))
    rows, reader = read_paths(jsonl, csv_file)
    assert reader.rejects == []
    assert [r["text"] for r in rows[:2]] == ["doc 0\r\nnext", "doc 1\r\nnext"]
    assert (rows[299]["doc_id"], rows[299]["location"]) == ("j299", "line 300")
    assert [(r["doc_id"], r["text"], r["site"]) for r in rows[300:]] == [
        ("c1", "two\nlines", "s"),
        ("c2", "plain", None),
    ]
    # inside a folder too, as the part files of a data set
    folder = tmp_path / "parts"
    folder.mkdir()
    jsonl.rename(folder / jsonl.name)
    csv_file.rename(folder / csv_file.name)
    rows, reader = read_paths(folder)
    assert len(rows) == 302 and reader.stats.ignored_files == []


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_tsv_is_tab_separated_and_never_quoted(tmp_path: Path, suffix: str) -> None:
    """Quotes are text in a TSV file (as in news sentence sets such as MRPC); a row
    with more fields than the header is rejected alone."""
    table = (
        "id\ttext\tsite\r\n"
        't1\t"Quoted," he said, and left.\tnews.example\r\n'
        "t2\tplain text\t\n"
        "t3\ttoo\tmany\tfields\n"
        't4\tan "open quote stays text\tx\n'
    )
    path = tmp_path / f"pairs.TSV{suffix}"
    path.write_bytes(compress(table.encode(), suffix) if suffix else table.encode())
    rows, reader = read_paths(path)
    assert [(r["doc_id"], r["text"], r["site"], r["status"]) for r in rows] == [
        ("t1", '"Quoted," he said, and left.', "news.example", "ok"),
        ("t2", "plain text", None, "ok"),
        ("t3", None, None, "rejected"),
        ("t4", 'an "open quote stays text', "x", "ok"),
    ]
    assert [(r.location, r.reason) for r in reader.rejects] == [
        ("row 3 (line 4)", "row has 4 fields but the header has 3")
    ]
    empty = tmp_path / f"empty.tsv{suffix}"
    empty.write_bytes(b"")
    _, reader = read_paths(empty)
    assert [r.reason for r in reader.rejects] == ["empty TSV file: no header row"]


@pytest.mark.parametrize("suffix", COMPRESSIONS)
def test_truncated_compressed_stream_stops_the_file_with_a_reject(
    tmp_path: Path, suffix: str
) -> None:
    data = b"".join(
        json.dumps({"id": f"d{i}", "text": f"{i} " + "word " * 50}).encode() + b"\n"
        for i in range(2000)
    )
    full = compress(data, suffix)
    broken = tmp_path / f"broken.jsonl{suffix}"
    broken.write_bytes(full[: len(full) // 2])
    table = b"id,text\n" + b"".join(b"r%d,%s\n" % (i, b"word " * 50) for i in range(2000))
    packed = compress(table, suffix)
    broken_csv = tmp_path / f"broken.csv{suffix}"
    broken_csv.write_bytes(packed[: len(packed) // 2])
    rows, reader = read_paths(broken, broken_csv)
    name = _FORMAT_NAMES[suffix]
    assert [(r.source, r.reason) for r in reader.rejects] == [
        (str(broken), f"truncated {name} stream; rest of the file skipped"),
        (str(broken_csv), f"truncated {name} stream; rest of the file skipped"),
    ]
    good = [r for r in rows if r["source"] == str(broken) and r["status"] == "ok"]
    assert 0 < len(good) < 2000
    assert reader.rejects[0].location == f"line {len(good) + 1}"
    good_csv = [r for r in rows if r["source"] == str(broken_csv) and r["status"] == "ok"]
    assert 0 < len(good_csv) < 2000
    assert reader.rejects[1].location == f"row {len(good_csv) + 1} onwards"


@pytest.mark.parametrize("suffix", COMPRESSIONS)
def test_a_file_not_compressed_as_named_is_rejected_whole(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"fake.jsonl{suffix}"
    path.write_bytes(b'{"id": "a", "text": "t"}\n')
    empty = tmp_path / f"empty.csv{suffix}"
    empty.write_bytes(b"")
    rows, reader = read_paths(path, empty)
    assert [(r.source, r.location, r.reason) for r in reader.rejects] == [
        (str(path), "file", f"not a {_FORMAT_NAMES[suffix]} file (its name ends in {suffix})"),
        (str(empty), "file", "empty CSV file: no header row"),
    ]
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("content", "layout"),
    [
        (b'[\n  {"id": "a", "text": "t"},\n  {"id": "b", "text": "u"}\n]\n', "a JSON array"),
        (b'[{"id": "a", "text": "t"}, {"id": "b", "text": "u"}]', "a JSON array"),
        (b'[{"id": "a", "text": "t"},\n{"id": "b", "text": "u"}]', "a JSON array"),
        (b'{\n  "id": "a",\n  "text": "t"\n}\n', "one JSON object over several lines"),
    ],
)
def test_a_whole_file_json_value_is_refused_saying_so(
    tmp_path: Path, content: bytes, layout: str
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(content)
    rows, reader = read_paths(path)
    (reject,) = reader.rejects
    assert reject.location == "file"
    assert reject.reason.startswith(f"{layout}, not JSON Lines (one JSON object per line)")
    assert len(rows) == 1


def test_a_bad_first_line_of_json_lines_is_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'[1, 2]\n{"id": "a", "text": "t"}\n')
    rows, reader = read_paths(path)
    assert [(r.location, r.reason) for r in reader.rejects] == [
        ("line 1", "expected a JSON object, got list")
    ]
    assert [r["doc_id"] for r in rows if r["status"] == "ok"] == ["a"]


def test_truncated_gzip_stops_file_and_continues(tmp_path: Path) -> None:
    data = b"".join(
        json.dumps({"id": f"d{i}", "text": "word " * 50 + str(i)}).encode() + b"\n"
        for i in range(200)
    )
    full = gzip.compress(data)
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(full[: len(full) // 2])
    after = write_jsonl(tmp_path / "after.jsonl", [{"id": "z", "text": "after"}])
    rows, reader = read_paths(broken, after)
    reject = only_reject(reader)
    assert reject.reason == "truncated gzip stream; rest of the file skipped"
    good = [r for r in rows if r["source"] == str(broken) and r["status"] == "ok"]
    assert 0 < len(good) < 200
    assert reject.location == f"line {len(good) + 1}"
    assert rows[-1]["doc_id"] == "z"


def test_not_gzip_is_file_level(tmp_path: Path) -> None:
    path = tmp_path / "fake.jsonl.gz"
    path.write_bytes(b'{"id": "a", "text": "t"}\n')
    rows, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "file"
    assert reject.reason == "not a gzip file (its name ends in .gz)"
    assert rows[0]["doc_id"] == f"{path}#file"


def test_parquet_missing_column_skip_and_fail(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": ["a"], "body": ["t"]}), path)
    rows, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "file"
    assert reject.reason == (
        "missing required column 'text'; the file has 'id', 'body'; its 1 row not read"
    )
    assert reader.stats.read == reader.stats.rejected == 1
    assert rows[0]["status"] == "rejected"
    with pytest.raises(InputError, match="missing required column 'text'"):
        read_all(RecordReader([path], on_error="fail"))


def test_parquet_wrong_column_type(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": pa.array([5, 6], pa.int64())}), path)
    _, reader = read_paths(path)
    assert only_reject(reader).reason == (
        "column 'text' has type int64, expected string; its 2 rows not read"
    )


def test_parquet_null_values_rejected_per_row(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"id": ["a", None, "c"], "text": ["t", "u", None]}), path)
    rows, reader = read_paths(path)
    assert [(r.location, r.reason) for r in reader.rejects] == [
        ("row 2", "field 'id' must be a string or integer, got null"),
        ("row 3", "field 'text' must be a string, got null"),
    ]
    assert [r["status"] for r in rows] == ["ok", "rejected", "rejected"]


def test_parquet_corpus_of_ingest_reads_doc_id_and_rejects_its_rejected_rows(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus.parquet"
    table = {
        "doc_id": ["a", "f.jsonl#line 2", "c"],
        "text": ["alpha", None, " "],
        "site": ["s", None, None],
        "status": ["ok", "rejected", "empty"],
    }
    pq.write_table(pa.table(table), corpus)
    rows, reader = read_paths(corpus)
    assert [(r["doc_id"], r["status"], r["site"]) for r in rows] == [
        ("a", "ok", "s"),
        ("f.jsonl#line 2", "rejected", None),
        ("c", "empty", None),
    ]
    assert [(r.location, r.reason) for r in reader.rejects] == [("row 2", CORPUS_REJECTED)]
    # a file with an id column of its own is read by it, whatever else it holds
    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"id": ["x", "y", "z"], **table}), plain)
    rows, reader = read_paths(plain)
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("x", "ok"),
        ("y", "rejected"),
        ("z", "empty"),
    ]
    assert reader.rejects[0].reason == "field 'text' must be a string, got null"


def test_parquet_corpus_rows_name_where_they_were_first_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.parquet"
    table = {
        "doc_id": ["a", "b", "c"],
        "text": ["alpha", None, "gamma"],
        "status": ["ok", "rejected", "ok"],
        "source": ["feeds/x.jsonl", "crawl.warc.gz", None],
        # a corpus made from a corpus already names the first place
        "location": ["line 7", "record 3", "row 5 (first read from pages empty.html)"],
    }
    pq.write_table(pa.table(table), corpus)
    rows, reader = read_paths(corpus)
    assert [r["location"] for r in rows] == [
        "row 1 (first read from feeds/x.jsonl line 7)",
        "row 2 (first read from crawl.warc.gz record 3)",
        "row 3 (first read from pages empty.html)",
    ]
    assert [r.location for r in reader.rejects] == [
        "row 2 (first read from crawl.warc.gz record 3)"
    ]
    # origin columns of another type are not a textreuse corpus's: rows are named plainly
    pq.write_table(pa.table({**table, "location": [7, 3, 5]}), corpus)
    rows, _ = read_paths(corpus)
    assert [r["location"] for r in rows] == ["row 1", "row 2", "row 3"]


def test_not_a_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    path.write_bytes(b"this is not parquet at all")
    _, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "file"
    assert reject.reason.startswith("not a readable Parquet file")


def test_csv_missing_column_and_short_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,body\n1,x\n")
    short = tmp_path / "short.csv"
    short.write_text("id,text\n1\n2,b,extra\n")
    _, reader = read_paths(bad, short)
    assert [(r.source, r.location, r.reason) for r in reader.rejects] == [
        (str(bad), "file", "missing required column 'text'; the header has 'id', 'body'"),
        (str(short), "row 1 (line 2)", "missing required field 'text'"),
        (str(short), "row 2 (line 3)", "row has 3 fields but the header has 2"),
    ]


def test_csv_invalid_utf8_stops_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b'id,text\n1,"ok\nstill ok"\n2,b\xffad\n3,never read\n')
    rows, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "row 2 onwards"
    assert reject.reason == ("invalid UTF-8 at byte offset 3 of line 4; rest of the file skipped")
    assert [r["status"] for r in rows] == ["ok", "rejected"]


def test_csv_bad_quoting_rejects_the_row_and_reads_on(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        'id,text\n1,"said ""hi""\nthen"\n2,"quoted" and more\n3,fine\n4,"opened\n5,never closed\n',
        newline="",
    )
    rows, reader = read_paths(path)
    assert [(r.location, r.reason) for r in reader.rejects] == [
        (
            "row 2 (line 4)",
            "malformed CSV: text after the closing quote of a quoted field "
            "(',' expected after '\"')",
        ),
        ("row 4 (line 6)", "malformed CSV: a quoted field is still open at the end of the file"),
    ]
    assert [(r["doc_id"], r["text"]) for r in rows if r["status"] == "ok"] == [
        ("1", 'said "hi"\nthen'),
        ("3", "fine"),
    ]


def test_csv_quote_left_open_names_the_line_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"no end\n2,b\n3,"c" d\n4,e\n', newline="")
    rows, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "row 1 (line 2)"
    assert reject.reason.startswith("malformed CSV on line 4: text after the closing quote")
    assert [r["doc_id"] for r in rows if r["status"] == "ok"] == ["4"]


def test_csv_bad_header_quoting_rejects_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('"id"x,text\n1,a\n', newline="")
    _, reader = read_paths(path)
    reject = only_reject(reader)
    assert reject.location == "file"
    assert reject.reason == "malformed CSV header row: ',' expected after '\"'"


def test_csv_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    _, reader = read_paths(path)
    assert only_reject(reader).reason == "empty CSV file: no header row"


def test_duplicate_ids_across_files_skip(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": "1"}, {"id": 7, "text": "2"}])
    second = tmp_path / "b.csv"
    second.write_text("id,text\ny,3\n7,4\n")
    rows, reader = read_paths(first, second)
    reject = only_reject(reader)
    assert reject.reason == f"duplicate id '7': first seen in {first}, line 2"
    assert reject.source == str(second)
    assert reject.location == "row 2 (line 3)"
    assert reject.doc_id == "7"
    dup_row = rows[-1]
    assert dup_row["status"] == "rejected"
    assert dup_row["doc_id"] == f"{second}#row 2 (line 3)"
    assert len({r["doc_id"] for r in rows}) == len(rows)


def test_duplicate_ids_fail(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": "1"}])
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": "2"}])
    with pytest.raises(DuplicateIdError) as info:
        read_all(RecordReader([first, second], on_error="fail"))
    message = str(info.value)
    assert str(first) in message and "line 1" in message
    assert message.startswith(f"{second}, line 1: duplicate id 'x'")


def test_counting_and_batch_size(tmp_path: Path) -> None:
    records: list[object] = []
    for i in range(23):
        if i % 5 == 0:
            records.append({"id": f"d{i}"})
        elif i % 7 == 0:
            records.append({"id": f"d{i}", "text": ""})
        else:
            records.append({"id": f"d{i}", "text": f"text {i}"})
    path = write_jsonl(tmp_path / "a.jsonl", records)
    reader = RecordReader([path], batch_size=4)
    sizes = [batch.num_rows for batch in reader.batches()]
    assert sizes == [4, 4, 4, 4, 4, 3]
    stats = reader.stats
    assert (stats.read, stats.ok, stats.empty, stats.rejected) == (23, 15, 3, 5)
    # a second pass starts fresh
    assert len(read_all(reader)) == 23 and reader.stats.read == 23


def test_a_batch_ends_where_its_text_passes_the_character_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string column of one batch holds at most 2 GiB: long documents make
    batches of fewer rows than ``batch_size``."""
    monkeypatch.setattr(readers, "MAX_BATCH_CHARS", 1000)
    texts = ["x" * 300, "y" * 300, "z" * 300, "w" * 1500, "v", "u"]
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": i, "text": t} for i, t in enumerate(texts)])
    reader = RecordReader([path], batch_size=100)
    batches = list(reader.batches())
    # every value counts (the file's path is in each row): a batch ends after the
    # row that reaches the limit
    assert [batch.column("text").to_pylist() for batch in batches] == [
        texts[:3],
        texts[3:4],
        texts[4:],
    ]


def test_batches_stream_lazily(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": i, "text": "t"} for i in range(10)])
    reader = RecordReader([path], batch_size=3)
    first = next(reader.batches())
    assert first.num_rows == 3
    assert reader.stats.read == 3


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text())
def test_jsonl_text_roundtrip(tmp_path: Path, text: str) -> None:
    path = tmp_path / "prop.jsonl"
    path.write_text(json.dumps({"id": "p", "text": text}) + "\n", encoding="utf-8")
    reader = RecordReader([path], max_doc_chars=10**6)
    rows = [row for batch in reader.batches() for row in batch.to_pylist()]
    assert rows[0]["text"] == text
    assert rows[0]["status"] == ("ok" if text.strip() else "empty")


def test_an_input_given_twice_or_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    one = write_jsonl(folder / "one.jsonl", [{"id": "a", "text": "alpha"}])
    (tmp_path / "link.jsonl").symlink_to(one)
    (tmp_path / "same").symlink_to(folder)
    cases = [
        ([one, one], "is given twice"),
        ([one, tmp_path / "link.jsonl"], "is given twice"),
        ([folder, tmp_path / "same"], "is given twice"),
        ([one, folder], r"one\.jsonl is inside the input folder"),
        ([folder, one], r"one\.jsonl is inside the input folder"),
    ]
    for paths, message in cases:
        with pytest.raises(ConfigError, match=message):
            RecordReader(paths)
    # a sibling whose name starts like the folder's is not inside it
    sibling = tmp_path / "corpus-2"
    sibling.mkdir()
    two = write_jsonl(sibling / "two.jsonl", [{"id": "b", "text": "beta"}])
    rows, _ = read_paths(folder, two)
    assert [r["doc_id"] for r in rows] == ["a", "b"]
