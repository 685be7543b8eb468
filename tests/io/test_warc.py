"""WARC input: HTML response records become pages; everything else is counted or rejected."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path
from typing import Any

import pytest
from html_pages import article_html

from textreuse.io.readers import RecordReader
from textreuse.io.warc import warc_response_record

FERRY = (
    "The harbour authority confirmed on Tuesday that the evening ferry between Port Alden "
    "and the island of Merrow will stop running at the end of next month, after passenger "
    "numbers fell for a third consecutive winter and the operator warned that fuel costs "
    "had doubled since the contract was signed."
)
BRIDGE = (
    "Engineers closed the Kestrel Road bridge to all traffic on Monday morning after a "
    "routine inspection found cracks in two of the steel supports beneath the eastern span. "
    "Buses on three routes have been diverted through the industrial estate, adding about "
    "fifteen minutes to journeys into the town centre."
)
CAFE = (
    "Le café de la place, fermé depuis l'été dernier, rouvre ses portes après des travaux "
    "qui ont duré presque un an. Les habitués retrouvent leur comptoir en zinc, et la "
    "nouvelle gérante promet des crêpes le dimanche matin pour tous les enfants du quartier."
)


def other_record(kind: str, uri: str, block: bytes, content_type: str) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: <urn:uuid:{kind}-{len(block)}>\r\nWARC-Date: 2025-01-01T00:00:00Z\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def html_response(uri: str, text: str, **options: Any) -> bytes:
    return warc_response_record(uri, article_html("News", [text, text]).encode(), **options)


def write_warc(path: Path, records: list[bytes]) -> Path:
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(record) for record in records))
    else:
        path.write_bytes(b"".join(records))
    return path


def read_all(*paths: Path) -> tuple[list[dict[str, Any]], RecordReader]:
    reader = RecordReader(list(paths), threads=2, page_timeout=20)
    rows: list[dict[str, Any]] = []
    for batch in reader.batches():
        rows.extend(batch.to_pylist())
    return rows, reader


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_pages_skips_and_rejects(tmp_path: Path, name: str) -> None:
    records = [
        other_record("warcinfo", "", b"software: test\r\n", "application/warc-fields"),
        other_record("request", "https://a.example/ferry", b"GET /ferry HTTP/1.1\r\n\r\n", "x"),
        html_response("https://a.example/ferry", FERRY, record_id="<urn:uuid:r1>"),
        warc_response_record("https://a.example/logo.png", b"\x89PNG\r\n", "image/png"),
        html_response("https://a.example/gone", BRIDGE, status="404 Not Found"),
        html_response("https://a.example/ferry", FERRY, record_id="<urn:uuid:r2>"),
        warc_response_record(
            "https://b.example/cafe",
            article_html("Café", [CAFE, CAFE], charset=None).encode("cp1252"),
            "text/html; charset=windows-1252",
        ),
    ]
    path = write_warc(tmp_path / name, records)
    rows, reader = read_all(path)
    assert [(r["doc_id"], r["status"], r["location"]) for r in rows] == [
        ("https://a.example/ferry", "ok", "record 3"),
        ("https://a.example/logo.png", "rejected", "record 4"),
        ("https://a.example/gone", "rejected", "record 5"),
        ("<urn:uuid:r2>", "ok", "record 6"),
        ("https://b.example/cafe", "ok", "record 7"),
    ]
    assert FERRY in rows[0]["text"]
    assert rows[0]["url"] == "https://a.example/ferry"
    assert rows[3]["url"] == "https://a.example/ferry"
    assert CAFE in rows[4]["text"]
    assert [(r.source, r.location, r.reason) for r in reader.rejects] == [
        (str(path), "record 4", "not an HTML page: WARC response record of type image/png"),
        (str(path), "record 5", "HTTP status 404 in WARC response record"),
    ]
    assert reader.stats.skipped_warc_records == {"warcinfo": 1, "request": 1}
    assert reader.stats.html_decoding == {"utf-8": 2, "declared": 1}
    assert (reader.stats.read, reader.stats.ok, reader.stats.rejected) == (5, 3, 2)


def test_truncated_warc_gz_keeps_what_came_before(tmp_path: Path) -> None:
    records = [html_response(f"https://a.example/{i}", FERRY) for i in range(3)]
    data = b"".join(gzip.compress(record) for record in records)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:-200])
    after = tmp_path / "after.html"
    after.write_text(article_html("Bridge", [BRIDGE, BRIDGE]))
    rows, reader = read_all(path, after)
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("https://a.example/0", "ok"),
        ("https://a.example/1", "ok"),
        ("https://a.example/2", "rejected"),
        ("after.html", "ok"),
    ]
    assert reader.rejects[0].location == "record 3"
    assert reader.rejects[0].reason.startswith("truncated WARC record: ")


def test_corrupt_stream_rejects_the_rest(tmp_path: Path) -> None:
    first = gzip.compress(html_response("https://a.example/1", FERRY))
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(first + gzip.compress(b"this is not a WARC record\r\n\r\n" * 4))
    rows, reader = read_all(path)
    assert [r["status"] for r in rows] == ["ok", "rejected"]
    assert reader.rejects[0].location == "record 2 onwards"
    assert reader.rejects[0].reason.startswith("cannot read WARC: ")
    assert reader.rejects[0].reason.endswith("; rest of the file skipped")


def test_not_a_warc_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some notes\n" * 20)
    rows, reader = read_all(path)
    assert [(r["status"], r["location"]) for r in rows] == [("rejected", "file")]
    assert reader.rejects[0].reason.startswith("not a readable WARC file: ")


def test_http_content_and_transfer_encoding(tmp_path: Path) -> None:
    page = article_html("News", [FERRY, FERRY]).encode()
    gzipped = gzip.compress(page)
    chunked = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (page[:100], page[100:])
    )
    deflated = zlib.compress(page)

    def response(uri: str, body: bytes, headers: str) -> bytes:
        http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}\r\n".encode() + body
        return other_record("response", uri, http, "application/http; msgtype=response")

    path = write_warc(
        tmp_path / "enc.warc",
        [
            response("https://a.example/gz", gzipped, "Content-Encoding: gzip\r\n"),
            response(
                "https://a.example/chunked",
                chunked + b"0\r\n\r\n",
                "Transfer-Encoding: chunked\r\n",
            ),
            response("https://a.example/deflate", deflated, "Content-Encoding: deflate\r\n"),
            response("https://a.example/cut", gzipped[:50], "Content-Encoding: gzip\r\n"),
            response("https://a.example/br", b"xx", "Content-Encoding: br\r\n"),
        ],
    )
    rows, reader = read_all(path)
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "rejected", "rejected"]
    assert all(FERRY in r["text"] for r in rows[:3])
    assert [r.reason for r in reader.rejects] == [
        "truncated gzip HTTP body",
        "unsupported HTTP Content-Encoding 'br'",
    ]


def test_resource_record_and_sniffing(tmp_path: Path) -> None:
    page = article_html("News", [BRIDGE, BRIDGE]).encode()
    path = write_warc(
        tmp_path / "res.warc",
        [
            other_record("resource", "file:///site/bridge.html", page, "text/html"),
            other_record("resource", "file:///site/style.css", b"p {}", "text/css"),
            other_record(
                "response",
                "https://a.example/sniffed",
                b"HTTP/1.1 200 OK\r\n\r\n" + page,
                "application/http; msgtype=response",
            ),
            other_record(
                "response",
                "https://a.example/unknown",
                b"HTTP/1.1 200 OK\r\n\r\nsome bytes",
                "application/http; msgtype=response",
            ),
        ],
    )
    rows, reader = read_all(path)
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("file:///site/bridge.html", "ok"),
        ("file:///site/style.css", "rejected"),
        ("https://a.example/sniffed", "ok"),
        ("https://a.example/unknown", "rejected"),
    ]
    assert [r.reason for r in reader.rejects] == [
        "not an HTML page: WARC resource record of type text/css",
        "not an HTML page: WARC response record with no content type",
    ]
