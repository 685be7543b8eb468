"""HTML pages and WARC files given as URIs are read by Spark's tasks, as locally (#6).

A folder holds the example corpus as HTML pages (some gzip-compressed) and WARC
files, with planted problems: a broken ``.html.gz``, a page with no text, a URI
crawled twice in two WARC files (the second capture takes its WARC-Record-ID, as a
local read does), a non-HTML response, a 404, and request and warcinfo records (not
pages: counted by type). Read file by file in tasks, it must give the records,
rejects and counts of one local :class:`RecordReader`.
"""

from __future__ import annotations

import gzip
import json
from html import escape
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from test_uri_ingest import EXAMPLES, MAX_DOC_CHARS, _run_both, ingest_rows_as_one_reader

from textreuse.errors import ConfigError
from textreuse.io.readers import RecordReader
from textreuse.io.warc import warc_response_record
from textreuse.stages.uri_ingest import READ_ROWS_SCHEMA, ReadInputFiles

pytest.importorskip("trafilatura", reason="needs the html extra (installed by make test)")

COUNTS = ("files", "read", "ok", "empty", "rejected", "html_decoding", "skipped_warc_records")


def _page(record: dict[str, Any]) -> bytes:
    paragraphs = "".join(
        f"<p>{escape(p, quote=False)}</p>" for p in record["text"].split("\n\n") if p.strip()
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(record["title"])}'
        f"</title></head><body><nav><a href='/'>Home</a></nav><article>"
        f"<h1>{escape(record['title'])}</h1>{paragraphs}</article>"
        "<footer>All rights reserved.</footer></body></html>"
    ).encode()


def _other(kind: str, uri: str, number: int) -> bytes:
    block = b"GET / HTTP/1.1\r\n\r\n" if kind == "request" else b"software: test\r\n"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: <urn:uuid:other-{number}>\r\nWARC-Date: 2025-01-01T00:00:00Z\r\n"
        f"Content-Type: application/http\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def _write_pages(folder: Path) -> Path:
    records = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]
    pages, crawled = records[:16], records[16:]
    for index, record in enumerate(pages):
        name = f"pages/{record['id']}.html" + (".gz" if index % 3 == 0 else "")
        place = folder / name
        place.parent.mkdir(parents=True, exist_ok=True)
        data = _page(record)
        place.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    (folder / "pages" / "broken.html.gz").write_bytes(b"not gzip")
    (folder / "pages" / "empty.htm").write_bytes(b"<html><body></body></html>")
    half = len(crawled) // 2
    first = [
        warc_response_record(
            f"https://news.example/{r['id']}", _page(r), record_id=f"<urn:uuid:a-{i}>"
        )
        for i, r in enumerate(crawled[:half])
    ]
    first.insert(0, _other("warcinfo", "", 0))
    first.insert(2, _other("request", "https://news.example/x", 1))
    first.append(warc_response_record("https://news.example/logo.png", b"\x89PNG", "image/png"))
    second = [
        warc_response_record(
            f"https://news.example/{r['id']}", _page(r), record_id=f"<urn:uuid:b-{i}>"
        )
        for i, r in enumerate(crawled[half:])
    ]
    again = crawled[0]  # crawled in the first file too: takes its record id here
    second.append(
        warc_response_record(
            f"https://news.example/{again['id']}", _page(again), record_id="<urn:uuid:again>"
        )
    )
    second.append(warc_response_record("https://news.example/gone", b"", status="404 Not Found"))
    crawl = folder / "crawl"
    crawl.mkdir()
    (crawl / "one.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in first))
    (crawl / "two.warc").write_bytes(b"".join(second))
    (folder / "README.md").write_text("not an input", encoding="utf-8")
    return folder


def test_pages_read_by_tasks_as_one_reader_reads_them(tmp_path: Path) -> None:
    folder = _write_pages(tmp_path / "pages")
    reader = RecordReader([folder], max_doc_chars=MAX_DOC_CHARS, batch_size=7, threads=2)
    expected = pa.Table.from_batches(list(reader.batches())).to_pylist()
    assert reader.stats.skipped_warc_records == {"request": 1, "warcinfo": 1}
    assert {r["doc_id"] for r in expected} >= {"<urn:uuid:again>", "pages/broken.html.gz"}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "README.md")
    batch = pa.record_batch(
        {
            "input_index": pa.array([0] * len(files), pa.int32()),
            "path": [str(p) for p in files],
            "content": [p.read_bytes() for p in files],
        }
    )
    read = ReadInputFiles(MAX_DOC_CHARS, batch_size=7, roots=(str(folder),), page_timeout=20)
    rows = pa.Table.from_batches(list(read([batch])), schema=READ_ROWS_SCHEMA)
    engine, stats = ingest_rows_as_one_reader(tmp_path / "work", rows, expected, reader)
    for key in COUNTS[1:]:
        assert getattr(stats, key) == getattr(reader.stats, key), key
    assert stats.files == len(files)
    engine.close()


def test_spark_reads_pages_and_warc_from_a_uri_with_the_local_results(
    tmp_path: Path, spark_session: Any
) -> None:
    local, found = _run_both(_write_pages(tmp_path / "pages"), tmp_path)
    assert local["input_counts"]["html_decoding"]["utf-8"] > 20
    for key in (*COUNTS, "rejected_by_reason"):
        assert found["input_counts"][key] == local["input_counts"][key], key
    assert [Path(p).name for p in found["input_counts"]["ignored_files"]] == ["README.md"]


def test_a_page_uri_is_not_read_by_the_local_engine(tmp_path: Path) -> None:
    import textreuse

    with pytest.raises(ConfigError, match="--engine spark"):
        textreuse.run(["s3a://bucket/crawl.warc.gz"], tmp_path / "out", progress="none")
    assert not (tmp_path / "out").exists()
