"""HTML input: charset decoding, main-text extraction, folders, timeouts and bad pages."""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import compress
from html_pages import article_html

import textreuse
from textreuse.cli import main
from textreuse.errors import InputError, MissingExtraError, OutputError
from textreuse.io.compression import COMPRESSIONS
from textreuse.io.corpus import ingest_corpus
from textreuse.io.formats import CORPUS_REJECTED
from textreuse.io.html import PageTask, decode_html, extract_page
from textreuse.io.readers import RecordReader
from textreuse.manifest import reason_kind

FERRY = (
    "The harbour authority confirmed on Tuesday that the evening ferry between Port Alden "
    "and the island of Merrow will stop running at the end of next month, after passenger "
    "numbers fell for a third consecutive winter and the operator warned that fuel costs "
    "had doubled since the contract was signed."
)
FERRY_2 = (
    "Residents of Merrow, many of whom commute to jobs at the hospital and the fish market "
    "on the mainland, said the decision would leave them with a single morning crossing and "
    "a long wait for the last boat home. A petition started by the island's primary school "
    "has already collected more than two thousand signatures in four days."
)
CAFE = (
    "Le café de la place, fermé depuis l'été dernier, rouvre ses portes après des travaux "
    "qui ont duré presque un an. Les habitués retrouvent leur comptoir en zinc, et la "
    "nouvelle gérante promet des crêpes le dimanche matin pour tous les enfants du quartier."
)


def read_all(*paths: Path, **options: Any) -> tuple[list[dict[str, Any]], RecordReader]:
    options.setdefault("page_timeout", 20)
    reader = RecordReader(list(paths), **options)
    rows: list[dict[str, Any]] = []
    for batch in reader.batches():
        rows.extend(batch.to_pylist())
    return rows, reader


# ------------------------------------------------------------------ decoding


def test_decode_utf8_whatever_the_label() -> None:
    data = CAFE.encode("utf-8")
    assert decode_html(data, "iso-8859-1") == (CAFE, "utf-8")


def test_decode_declared_charset() -> None:
    data = CAFE.encode("cp1252")
    assert decode_html(data, "windows-1252") == (CAFE, "declared")


def test_decode_meta_charset() -> None:
    page = f'<html><head><meta charset="windows-1252"></head><body>{CAFE}</body></html>'
    text, how = decode_html(page.encode("cp1252"))
    assert how == "declared"
    assert CAFE in text


def test_decode_wrong_charset_falls_back_to_detection() -> None:
    page = f"<html><body><p>{CAFE}</p><p>{CAFE}</p></body></html>"
    text, how = decode_html(page.encode("cp1252"), "utf-8")
    assert how == "detected"
    assert "café" in text and "\ufffd" not in text


def test_decode_missing_charset_detects() -> None:
    text, how = decode_html(("<p>" + CAFE + "</p>").encode("cp1252"))
    assert how == "detected"
    assert "crêpes" in text


def test_decode_unknown_label_is_ignored() -> None:
    assert decode_html(b"<p>plain</p>", "no-such-charset") == ("<p>plain</p>", "utf-8")


def test_decode_bom_and_utf16() -> None:
    data = "\ufeff<p>été</p>".encode("utf-16-le")
    assert decode_html(data) == ("<p>été</p>", "bom")
    assert decode_html("<p>été</p>".encode("utf-16-le"), "utf-16-le") == ("<p>été</p>", "declared")


# ---------------------------------------------------------------- extraction


def page_task(path: Path, **fields: Any) -> PageTask:
    return PageTask(str(path), "file", path.name, path=str(path), **fields)


def test_extract_page_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html"
    path.write_text(
        article_html(
            "Evening ferry to Merrow will stop",
            [FERRY, FERRY_2],
            author="Ann Example",
            date="2025-01-07",
            site="Harbour Gazette",
            url="https://harbourgazette.example/ferry",
        ),
        encoding="utf-8",
    )
    result = extract_page(page_task(path))
    assert result.error is None
    assert result.decoding == "utf-8"
    assert result.text is not None
    assert FERRY in result.text and FERRY_2 in result.text
    assert "Subscribe to our newsletter" not in result.text
    metadata = dict(result.metadata)
    assert metadata["title"] == "Evening ferry to Merrow will stop"
    assert metadata["author"] == "Ann Example"
    assert metadata["date"] == "2025-01-07"
    assert metadata["site"] == "Harbour Gazette"
    assert metadata["url"] == "https://harbourgazette.example/ferry"


def test_extract_page_gzip(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html.gz"
    path.write_bytes(gzip.compress(article_html("Ferry", [FERRY, FERRY_2]).encode()))
    result = extract_page(page_task(path))
    assert result.text is not None and FERRY in result.text


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty page (no content)"),
        (b"  \n\t ", "empty page (no content)"),
        (b"<html><body><p>x\x00y</p></body></html>", "binary content (NUL at character 16)"),
        (b"<html><head><title>Nothing</title></head><body></body></html>", "no main text"),
    ],
    ids=["empty", "blank", "binary", "no-text"],
)
def test_extract_page_rejects(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    result = extract_page(page_task(path))
    assert result.text is None
    assert result.error is not None and result.error.startswith(reason)


def test_extract_page_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "cut.html.gz"
    data = gzip.compress(article_html("Ferry", [FERRY, FERRY_2]).encode())
    path.write_bytes(data[: len(data) // 2])
    assert extract_page(page_task(path)).error == "truncated gzip stream"


def test_extract_page_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.html.gz"
    path.write_text("<html>not compressed</html>")
    assert extract_page(page_task(path)).error == "not a gzip file (its name ends in .gz)"


def test_extract_page_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "damaged.html.gz"
    data = bytearray(gzip.compress(article_html("Ferry", [FERRY, FERRY_2]).encode()))
    data[-8] ^= 0xFF  # the CRC of the page no longer matches
    path.write_bytes(bytes(data))
    error = extract_page(page_task(path)).error
    assert error is not None and error.startswith("corrupt gzip stream")


@pytest.mark.parametrize("suffix", [".bz2", ".xz", ".zst"])
def test_extract_page_in_other_compressions(tmp_path: Path, suffix: str) -> None:
    html = article_html("Ferry", [FERRY, FERRY_2]).encode()
    path = tmp_path / f"ferry.htm{suffix}"
    path.write_bytes(compress(html, suffix))
    result = extract_page(page_task(path))
    assert result.text is not None and FERRY in result.text
    cut = tmp_path / f"cut.html{suffix}"
    cut.write_bytes(compress(html, suffix)[:60])
    assert extract_page(page_task(cut)).error == f"truncated {COMPRESSIONS[suffix]} stream"
    reader = RecordReader([tmp_path], threads=1)  # found in a folder as a page, by its name
    rows = [row for batch in reader.batches() for row in batch.to_pylist()]
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        (f"cut.html{suffix}", "rejected"),
        (f"ferry.htm{suffix}", "ok"),
    ]


def test_extract_page_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(article_html("Ferry", [FERRY]))
    error = extract_page(page_task(path, max_bytes=100)).error
    assert error == "page has more than 100 bytes (10 x --max-doc-chars)"


def test_extract_page_broken_html(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text(
        f"<html><head><title>Broken</title><body><div><p>{FERRY}<p>{FERRY_2}</div></span>"
        '<table><tr><td><p class="x>unterminated'
    )
    result = extract_page(page_task(path))
    assert result.error is None
    assert result.text is not None and FERRY in result.text
    # an unclosed <title> swallows the whole page, as it does in a browser
    path.write_text(f"<html><head><title>Broken</head><body><p>{FERRY}</p></body></html>")
    assert extract_page(page_task(path)).error == "no main text found in the page"


def failing_extract(html: str, url: str | None) -> dict[str, str | None] | None:
    raise RuntimeError("parser exploded")


def slow_extract(html: str, url: str | None) -> dict[str, str | None] | None:
    """Hangs on pages that ask for it; otherwise returns the body text as is."""
    if "HANG" in html:
        time.sleep(120)
    return {"text": html.split("<body>")[1].split("</body>")[0], "title": "t"}


def test_extract_page_extractor_failure(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(article_html("Ferry", [FERRY]))
    result = extract_page(page_task(path), failing_extract)
    assert result.error == "cannot extract text: RuntimeError: parser exploded"


# -------------------------------------------------------------------- reader


def write_pages(folder: Path) -> None:
    (folder / "news" / "2025").mkdir(parents=True)
    (folder / "news" / "2025" / "ferry.html").write_text(
        article_html("Ferry", [FERRY, FERRY_2], date="2025-01-07", site="Gazette")
    )
    (folder / "news" / "cafe.htm.gz").write_bytes(
        gzip.compress(article_html("Café", [CAFE, CAFE], charset="windows-1252").encode("cp1252"))
    )
    (folder / "a-note.txt").write_text("A plain text note about the ferry.\n")
    (folder / "empty.html").write_text("")
    (folder / "readme.md").write_text("not an input")


def test_folder_mixes_text_and_html(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    write_pages(folder)
    rows, reader = read_all(folder, threads=2)
    assert [row["doc_id"] for row in rows] == [
        "a-note.txt",
        "empty.html",
        "news/2025/ferry.html",
        "news/cafe.htm.gz",
    ]
    by_id = {row["doc_id"]: row for row in rows}
    assert by_id["a-note.txt"]["text"] == "A plain text note about the ferry.\n"
    ferry = by_id["news/2025/ferry.html"]
    assert ferry["status"] == "ok" and FERRY in ferry["text"]
    assert (ferry["title"], ferry["date"], ferry["site"]) == ("Ferry", "2025-01-07", "Gazette")
    assert ferry["location"] == "file"
    assert ferry["source"] == str(folder / "news" / "2025" / "ferry.html")
    assert CAFE in by_id["news/cafe.htm.gz"]["text"]
    assert by_id["empty.html"]["status"] == "rejected"
    assert [r.to_dict() for r in reader.rejects] == [
        {
            "source": str(folder / "empty.html"),
            "location": "file",
            "doc_id": "empty.html",
            "reason": "empty page (no content)",
        }
    ]
    stats = reader.stats
    assert (stats.read, stats.ok, stats.rejected, stats.files) == (4, 3, 1, 4)
    assert stats.ignored_files == [str(folder / "readme.md")]
    assert stats.html_decoding == {"utf-8": 1, "declared": 1}


def test_single_html_file_and_fail_mode(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(article_html("Ferry", [FERRY, FERRY_2]))
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(gzip.compress(good.read_bytes())[:40])
    rows, reader = read_all(bad, good)
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("bad.html.gz", "rejected"),
        ("good.html", "ok"),
    ]
    assert reader.rejects[0].reason == "truncated gzip stream"
    with pytest.raises(InputError, match=r"bad\.html\.gz, file: truncated gzip stream"):
        read_all(bad, good, on_error="fail")


def test_hung_extractor_is_stopped_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text("<html><body>first page</body></html>")
    (folder / "b.html").write_text("<html><body>HANG forever</body></html>")
    (folder / "c.html").write_text("<html><body>third page</body></html>")
    (folder / "d.html").write_text("<html><body>fourth page</body></html>")
    started = time.monotonic()
    rows, reader = read_all(folder, threads=2, page_timeout=1.5, page_extractor=slow_extract)
    assert time.monotonic() - started < 30
    assert [(r["doc_id"], r["status"]) for r in rows] == [
        ("a.html", "ok"),
        ("b.html", "rejected"),
        ("c.html", "ok"),
        ("d.html", "ok"),
    ]
    assert rows[2]["text"] == "third page"
    assert [(r.doc_id, r.reason) for r in reader.rejects] == [
        ("b.html", "extraction timed out after 1.5 s; the worker was stopped")
    ]


def test_extractor_exception_is_a_reject(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(article_html("Ferry", [FERRY]))
    rows, reader = read_all(page, page_extractor=failing_extract)
    assert rows[0]["status"] == "rejected"
    assert reader.rejects[0].reason == "cannot extract text: RuntimeError: parser exploded"


def test_missing_extra_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "q.html").write_text("<p>x</p>")
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[html\]'"):
        RecordReader([page])
    reader = RecordReader([folder])
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[html\]'"):
        list(reader.batches())


# ------------------------------------------------------------ ingest command


def test_ingest_corpus_writes_records_and_rejects(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    write_pages(folder)
    out = tmp_path / "out" / "corpus.parquet"
    summary = ingest_corpus([folder], out, threads=1)
    rows = pq.read_table(out).to_pylist()
    assert [row["doc_id"] for row in rows][:2] == ["a-note.txt", "empty.html"]
    assert summary["input_counts"]["rejected_by_reason"] == {"empty page (no content)": 1}
    rejects = (tmp_path / "out" / "corpus.rejects.jsonl").read_text().splitlines()
    assert [json.loads(line)["doc_id"] for line in rejects] == ["empty.html"]
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "corpus.parquet",
        "corpus.rejects.jsonl",
    ]
    with pytest.raises(OutputError, match="already exists"):
        ingest_corpus([folder], out)
    with pytest.raises(OutputError, match="is the input"):
        ingest_corpus([out], out, overwrite=True)
    assert pq.read_table(out).num_rows == len(rows)


def test_an_ingested_corpus_runs_like_its_inputs(tmp_path: Path) -> None:
    """``ingest`` then ``run`` on the corpus gives the documents of ``run`` on the pages,
    and the page the ingest rejected is counted as rejected again, not lost."""
    import textreuse

    folder = tmp_path / "pages"
    write_pages(folder)
    corpus = tmp_path / "corpus.parquet"
    ingest_corpus([folder], corpus, threads=1)
    direct = textreuse.run([folder], tmp_path / "direct", threads=1, progress="none")
    via = textreuse.run([corpus], tmp_path / "via", threads=1, progress="none")
    # a run's documents.parquet is such a corpus too
    again = tmp_path / "direct" / "documents.parquet"
    rerun = textreuse.run([again], tmp_path / "rerun", threads=1, progress="none")
    for key in ("read", "ok", "empty", "rejected"):
        assert via["input_counts"][key] == direct["input_counts"][key], key
        assert rerun["input_counts"][key] == direct["input_counts"][key], key
    assert via["input_counts"]["rejected_by_reason"] == {reason_kind(CORPUS_REJECTED): 1}
    columns = ["doc_id", "text", "status", "site", "date", "title", "url"]
    rows = {
        name: sorted(
            pq.read_table(tmp_path / name / "documents.parquet", columns=columns).to_pylist(),
            key=lambda row: row["doc_id"],
        )
        for name in ("direct", "via", "rerun")
    }
    assert rows["via"] == rows["direct"] == rows["rerun"]
    (reject,) = [json.loads(line) for line in (tmp_path / "via" / "rejects.jsonl").open()]
    assert (reject["doc_id"], reject["location"]) == (
        "empty.html",
        f"row 2 (first read from {folder / 'empty.html'})",
    )


def test_ingest_output_must_be_named_parquet(tmp_path: Path) -> None:
    page = tmp_path / "ferry.html"
    page.write_text(article_html("Ferry", [FERRY, FERRY_2]))
    with pytest.raises(OutputError, match=r"must end in \.parquet"):
        ingest_corpus([page], tmp_path / "corpus.jsonl", threads=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ferry.html"]


def test_ingest_command(tmp_path: Path) -> None:
    page = tmp_path / "ferry.html"
    page.write_text(article_html("Ferry", [FERRY, FERRY_2]))
    out = tmp_path / "corpus.parquet"
    args = ["ingest", str(page), "--out", str(out), "--threads", "1", "--page-timeout", "20"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # progress goes to standard error
    assert "] reading input" in result.stderr
    assert summary["input_counts"]["ok"] == 1
    assert FERRY in pq.read_table(out).column("text")[0].as_py()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert "already exists" in again.output
    quiet = CliRunner().invoke(main, [*args, "--overwrite", "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_interrupted_ingest_leaves_nothing_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "ferry.html"
    page.write_text(article_html("Ferry", [FERRY, FERRY_2]))

    def interrupted(self: object) -> Any:
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr(RecordReader, "batches", interrupted)
    out = tmp_path / "corpus.parquet"
    result = CliRunner().invoke(main, ["ingest", str(page), "--out", str(out), "-q"])
    assert result.exit_code == 130
    assert result.output == "Interrupted.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ferry.html"]


def test_run_on_html_pages(tmp_path: Path) -> None:
    """End to end: reuse between two HTML pages is found in the extracted text."""
    import textreuse

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "orig.html").write_text(article_html("Ferry", [FERRY, FERRY_2]))
    (folder / "copy.html").write_text(
        article_html("Copied", ["Reprinted with permission of the Gazette.", FERRY, FERRY_2])
    )
    out = tmp_path / "out"
    manifest = textreuse.run([folder], out, threads=1, progress="none")
    assert manifest["input_counts"]["ok"] == 2
    docs = {r["doc_id"]: r["text"] for r in pq.read_table(out / "documents.parquet").to_pylist()}
    passages = pq.read_table(out / "passages.parquet").to_pylist()
    assert passages
    for p in passages:
        a = docs[p["doc_a"]][p["a_start"] : p["a_end"]]
        b = docs[p["doc_b"]][p["b_start"] : p["b_end"]]
        assert FERRY[:60] in a and FERRY[:60] in b


def test_compare_and_clean_read_pages_as_run_does(tmp_path: Path) -> None:
    """Two saved pages are compared by their main text, not their markup; the offsets
    are those of the run's documents."""
    page_a = tmp_path / "a.html"
    page_a.write_text(article_html("Ferry", [FERRY, FERRY_2]), encoding="utf-8")
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    page_b = tmp_path / "b.htm.zst"
    page_b.write_bytes(compress(article_html("Boats", [FERRY_2]).encode(), ".zst"))
    result = CliRunner().invoke(main, ["compare", str(page_a), str(page_b), "--json"])
    assert result.exit_code == 0, result.output
    (passage,) = json.loads(result.stdout)["passages"]
    assert passage["a_text"] == passage["b_text"] == FERRY_2
    run = CliRunner().invoke(main, ["run", str(page_a), "--out", str(tmp_path / "out"), "-q"])
    assert run.exit_code == 0, run.output
    (document,) = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert document["text"][passage["a_start"] : passage["a_end"]] == FERRY_2
    assert textreuse.read_document(page_a) == document["text"]
    with pytest.raises(InputError, match=r"empty\.html: no main text found in the page"):
        textreuse.read_document(tmp_path / "empty.html")
    cleaned = CliRunner().invoke(main, ["clean", str(page_a)])
    assert cleaned.exit_code == 0 and FERRY in cleaned.stdout and "<p>" not in cleaned.stdout
    failed = CliRunner().invoke(main, ["compare", str(page_a), str(empty)])
    assert failed.exit_code == 1
    assert f"{empty}: no main text found in the page" in failed.output
