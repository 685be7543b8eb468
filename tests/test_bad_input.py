"""Bad input through the whole pipeline: every problem is rejected, explained and counted."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import CHESS, FERRY, FERRY_COPY, LIBRARY, ORCHARD, read_rejects, read_table, run_quick

from textreuse.cli import main
from textreuse.errors import DuplicateIdError, InputError
from textreuse.manifest import reason_kind

GOOD = [
    {"id": "chess", "text": CHESS},
    {"id": "orchard", "text": ORCHARD},
]


def jsonl_lines(path: Path, lines: list[bytes | str | dict[str, Any]]) -> Path:
    """Write raw lines (dicts are JSON-encoded) to ``path``."""
    with path.open("wb") as handle:
        for line in lines:
            if isinstance(line, dict):
                line = json.dumps(line)
            if isinstance(line, str):
                line = line.encode("utf-8")
            handle.write(line + b"\n")
    return path


def check_counts(out: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The counting invariants that hold for every run; returns the input counts."""
    counts = manifest["input_counts"]
    docs = read_table(out, "documents")
    assert counts["read"] == counts["ok"] + counts["empty"] + counts["rejected"] == len(docs)
    assert counts["rejected"] == len(read_rejects(out))
    assert counts["rejected"] == sum(d["status"] == "rejected" for d in docs)
    assert counts["empty"] == sum(d["status"] == "empty" for d in docs)
    assert sum(counts["rejected_by_reason"].values()) == counts["rejected"]
    doc_ids = [d["doc_id"] for d in docs]
    assert len(doc_ids) == len(set(doc_ids)), "doc ids in documents.parquet must be unique"
    return counts


def run_one_reject(tmp_path: Path, path: Path, **options: Any) -> dict[str, Any]:
    """Run on ``path``; check that exactly one record was rejected and return its reject."""
    out = tmp_path / "out"
    manifest = run_quick([path], out, **options)
    counts = check_counts(out, manifest)
    assert counts["rejected"] == 1, read_rejects(out)
    (reject,) = read_rejects(out)
    assert set(reject) == {"source", "location", "doc_id", "reason"}
    assert reject["source"] == str(path)
    rejected = [d for d in read_table(out, "documents") if d["status"] == "rejected"]
    assert len(rejected) == 1
    assert rejected[0]["text"] is None
    assert rejected[0]["location"] == reject["location"]
    assert manifest["input_counts"]["rejected_by_reason"] == {reason_kind(reject["reason"]): 1}
    return reject


# --------------------------------------------------------------------------- JSON Lines


def test_malformed_json_line(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [GOOD[0], '{"id": "x", "text": "oops', GOOD[1]])
    reject = run_one_reject(tmp_path, path)
    assert reject["location"] == "line 2"
    assert reject["reason"].startswith("malformed JSON")
    assert reject["doc_id"] is None
    # The rejected row gets a doc id that names the place, so ids stay unique.
    docs = {d["doc_id"]: d for d in read_table(tmp_path / "out", "documents")}
    assert f"{path}#line 2" in docs
    assert docs["chess"]["status"] == docs["orchard"]["status"] == "ok"


def test_missing_id(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, {"text": FERRY}])
    reject = run_one_reject(tmp_path, path)
    assert reject["location"] == "line 3"
    assert reject["reason"] == "missing required field 'id'"


def test_missing_text(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [{"id": "no-text", "site": "x.example"}, *GOOD])
    reject = run_one_reject(tmp_path, path)
    assert (reject["location"], reject["doc_id"]) == ("line 1", "no-text")
    assert reject["reason"] == "missing required field 'text'"
    docs = {d["doc_id"]: d for d in read_table(tmp_path / "out", "documents")}
    assert docs["no-text"]["status"] == "rejected"


@pytest.mark.parametrize(("value", "kind"), [(42, "integer"), (1.5, "number"), (None, "null")])
def test_text_of_wrong_type(tmp_path: Path, value: object, kind: str) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [GOOD[0], {"id": "n", "text": value}])
    reject = run_one_reject(tmp_path, path)
    assert (reject["location"], reject["doc_id"]) == ("line 2", "n")
    assert reject["reason"] == f"field 'text' must be a string, got {kind}"


def test_undecodable_bytes_in_jsonl(tmp_path: Path) -> None:
    bad = b'{"id": "u", "text": "caf\xe9 au lait with friends"}'
    path = jsonl_lines(tmp_path / "in.jsonl", [GOOD[0], bad, GOOD[1]])
    reject = run_one_reject(tmp_path, path)
    assert reject["location"] == "line 2"
    offset = bad.index(b"\xe9")
    assert reject["reason"] == f"invalid UTF-8 at byte offset {offset} of the line"
    # The lines after the bad one are still read.
    docs = {d["doc_id"]: d["status"] for d in read_table(tmp_path / "out", "documents")}
    assert docs["orchard"] == "ok"


def test_empty_document_is_empty_not_rejected(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, {"id": "blank", "text": " \n\t "}])
    out = tmp_path / "out"
    manifest = run_quick([path], out)
    counts = check_counts(out, manifest)
    assert (counts["empty"], counts["rejected"], counts["ok"]) == (1, 0, 2)
    assert read_rejects(out) == []
    docs = {d["doc_id"]: d for d in read_table(out, "documents")}
    assert docs["blank"]["status"] == "empty"
    assert docs["blank"]["text"] == " \n\t ", "empty texts are kept as read"
    assert manifest["output_counts"]["documents_ok"] == 2


def test_huge_document(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, {"id": "big", "text": FERRY}])
    limit = max(len(CHESS), len(ORCHARD)) + 10
    reject = run_one_reject(tmp_path, path, max_doc_chars=limit)
    assert (reject["location"], reject["doc_id"]) == ("line 3", "big")
    assert str(len(FERRY)) in reject["reason"] and str(limit) in reject["reason"]
    assert "max-doc-chars" in reject["reason"]


def test_duplicate_ids_in_two_files(tmp_path: Path) -> None:
    first = jsonl_lines(tmp_path / "first.jsonl", [GOOD[0], {"id": "same", "text": FERRY}])
    second = jsonl_lines(tmp_path / "second.jsonl", [{"id": "same", "text": LIBRARY}, GOOD[1]])
    out = tmp_path / "out"
    manifest = run_quick([first, second], out)
    counts = check_counts(out, manifest)
    assert counts["rejected"] == 1
    (reject,) = read_rejects(out)
    assert (reject["source"], reject["location"], reject["doc_id"]) == (
        str(second),
        "line 1",
        "same",
    )
    assert "duplicate id 'same'" in reject["reason"]
    assert str(first) in reject["reason"] and "line 2" in reject["reason"]
    docs = {d["doc_id"]: d for d in read_table(out, "documents")}
    assert docs["same"]["text"] == FERRY, "the first record with an id wins"
    assert docs[f"{second}#line 1"]["status"] == "rejected"


def test_rejects_table_in_duckdb(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, "[1, 2]", {"id": 3}])
    out = tmp_path / "out"
    run_quick([path], out)
    con = duckdb.connect(str(out / "textreuse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT location, reason FROM rejects ORDER BY location").fetchall()
    finally:
        con.close()
    assert rows == [
        ("line 3", "expected a JSON object, got list"),
        ("line 4", "missing required field 'text'"),
    ]


def test_rejected_by_reason_groups_kinds_of_problem(tmp_path: Path) -> None:
    records = [
        *GOOD,
        {"id": "chess", "text": "again"},
        {"id": "orchard", "text": "again"},
        {"id": "big1", "text": FERRY},
        {"id": "big2", "text": LIBRARY},
    ]
    path = jsonl_lines(tmp_path / "in.jsonl", records)
    out = tmp_path / "out"
    manifest = run_quick([path], out, max_doc_chars=max(len(CHESS), len(ORCHARD)) + 10)
    assert check_counts(out, manifest)["rejected"] == 4
    # Two kinds of problem, two rejects each.
    assert sorted(manifest["input_counts"]["rejected_by_reason"].values()) == [2, 2]


# --------------------------------------------------------------------------- text folders


def test_a_run_output_inside_the_input_folder_is_not_read_again(tmp_path: Path) -> None:
    """``textreuse run docs --out docs/results``, twice: the second run must not read
    the first one's documents.parquet (every id a duplicate) nor its other tables."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("chess", CHESS), ("orchard", ORCHARD), ("ferry", FERRY)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "ferry-copy.txt").write_text(FERRY_COPY, encoding="utf-8")
    out = folder / "results"
    first = run_quick([folder], out)
    second = run_quick([folder], out, overwrite=True)
    counts = check_counts(out, second)
    assert (counts["read"], counts["ok"], counts["rejected"]) == (4, 4, 0)
    assert counts["files"] == first["input_counts"]["files"] == 4
    assert counts["ignored_files"] == [os.path.join(str(out), "")]  # not its own staging
    assert second["output_counts"] == first["output_counts"]
    assert second["output_counts"]["passages"] > 0
    # a folder holding only some of a run's files is still read
    (out / "passages.parquet").unlink()
    third = run_quick([folder], tmp_path / "third")
    assert third["input_counts"]["read"] > 4  # the documents.parquet rows come in too
    assert third["input_counts"]["rejected_by_reason"]


def test_binary_txt_file_in_folder(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "chess.txt").write_text(CHESS, encoding="utf-8")
    (folder / "sub" / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    (folder / "sub" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "notes.md").write_text("ignored")
    out = tmp_path / "out"
    manifest = run_quick([folder], out)
    counts = check_counts(out, manifest)
    assert (counts["ok"], counts["rejected"]) == (2, 1)
    assert counts["ignored_files"] == [str(folder / "notes.md")]
    (reject,) = read_rejects(out)
    assert reject["source"] == str(folder / "sub" / "image.txt")
    assert (reject["location"], reject["doc_id"]) == ("file", "sub/image.txt")
    assert reject["reason"] == "binary file (NUL byte at offset 8)"
    docs = {d["doc_id"]: d["status"] for d in read_table(out, "documents")}
    assert docs == {"chess.txt": "ok", "sub/orchard.txt": "ok", "sub/image.txt": "rejected"}


def test_non_utf8_txt_file_and_fallback_encoding(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "chess.txt").write_text(CHESS, encoding="utf-8")
    legacy = "The caf\u00e9 on the corner reopened \u2013 with new owners."
    (folder / "legacy.txt").write_bytes(legacy.encode("cp1252"))
    reject = run_one_reject(tmp_path, folder / "legacy.txt")
    assert reject["location"] == "file" and reject["doc_id"] == "legacy.txt"
    assert reject["reason"] == (
        f"invalid UTF-8 at byte offset {legacy.index('é')} "
        "(a legacy encoding? try --txt-fallback-encoding cp1252)"
    )

    out = tmp_path / "fallback"
    manifest = run_quick([folder], out, txt_fallback_encoding="cp1252")
    assert check_counts(out, manifest)["rejected"] == 0
    docs = {d["doc_id"]: d["text"] for d in read_table(out, "documents")}
    assert docs["legacy.txt"] == legacy


# --------------------------------------------------------------------------- whole inputs


def test_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such.jsonl"
    out = tmp_path / "out"
    with pytest.raises(InputError, match="no such file or folder") as info:
        run_quick([missing], out)
    assert str(missing) in str(info.value)
    assert not out.exists()
    assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "corpus.xml"
    path.write_text("<docs/>")
    with pytest.raises(InputError, match=r"corpus\.xml.*unsupported input type '\.xml'"):
        run_quick([path], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_on_error_fail_names_file_and_line(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, {"id": "n", "text": 7}])
    out = tmp_path / "out"
    with pytest.raises(InputError) as info:
        run_quick([path], out, on_error="fail")
    message = str(info.value)
    assert message == f"{path}, line 3: field 'text' must be a string, got integer"
    assert not out.exists()


def test_on_error_fail_on_duplicate_id(tmp_path: Path) -> None:
    first = jsonl_lines(tmp_path / "first.jsonl", [GOOD[0]])
    second = jsonl_lines(tmp_path / "second.jsonl", [GOOD[1], GOOD[0]])
    with pytest.raises(DuplicateIdError) as info:
        run_quick([first, second], tmp_path / "out", on_error="fail")
    message = str(info.value)
    assert message.startswith(f"{second}, line 2: duplicate id 'chess'")
    assert f"{first}, line 1" in message


# --------------------------------------------------------------------------- CSV, Parquet


def test_csv_and_parquet_inputs(tmp_path: Path) -> None:
    csv_path = tmp_path / "news.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "site", "text", "extra"])
        writer.writerow(["ferry-orig", "harbour.example", FERRY, "ignored"])
        writer.writerow(["chess", "", CHESS, ""])
        writer.writerow(["short-row"])  # no text cell
    parquet_path = tmp_path / "news.parquet"
    table = pa.table(
        {
            "id": pa.array([101, 102], pa.int64()),
            "text": [FERRY_COPY, ORCHARD],
            "date": ["2025-01-12", None],
        }
    )
    pq.write_table(table, parquet_path)
    out = tmp_path / "out"
    manifest = run_quick([csv_path, parquet_path], out)
    counts = check_counts(out, manifest)
    assert (counts["ok"], counts["rejected"], counts["files"]) == (4, 1, 2)

    (reject,) = read_rejects(out)
    assert reject["source"] == str(csv_path)
    assert reject["location"].startswith("row 3 (line ")
    assert reject["reason"] == "missing required field 'text'"

    docs = {d["doc_id"]: d for d in read_table(out, "documents")}
    assert docs["ferry-orig"]["text"] == FERRY
    assert docs["ferry-orig"]["site"] == "harbour.example"
    assert docs["chess"]["site"] is None, "empty CSV metadata cells read as null"
    assert docs["101"]["text"] == FERRY_COPY and docs["101"]["date"] == "2025-01-12"
    assert docs["101"]["location"] == "row 1"
    assert docs["ferry-orig"]["location"] == "row 1 (line 2)"

    # Reuse is found across formats.
    pairs = {frozenset((p["doc_a"], p["doc_b"])) for p in read_table(out, "passages")}
    assert pairs == {frozenset(("ferry-orig", "101"))}


def test_parquet_with_wrong_column_type_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": [1, 2]}), path)
    reject = run_one_reject(tmp_path, path)
    assert reject["location"] == "file"
    assert "column 'text'" in reject["reason"] and "expected string" in reject["reason"]


# --------------------------------------------------------------------------- through the CLI


def test_cli_counts_rejects(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [*GOOD, "{broken", {"id": "e", "text": ""}])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["run", str(path), "--out", str(out), "--threads", "1", "--progress", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "read 4 records: 2 ok, 1 empty, 1 rejected" in " ".join(result.output.split())
    (reject,) = read_rejects(out)
    assert reject["location"] == "line 3" and reject["reason"].startswith("malformed JSON")


def test_cli_on_error_fail(tmp_path: Path) -> None:
    path = jsonl_lines(tmp_path / "in.jsonl", [GOOD[0], {"text": "no id"}])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["run", str(path), "--out", str(out), "--threads", "1", "--on-error", "fail", "-q"],
    )
    assert result.exit_code != 0
    assert f"{path}, line 2: missing required field 'id'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_nonexistent_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(missing), "--out", str(out), "-q"])
    assert result.exit_code != 0
    assert str(missing) in result.output and "no such file or folder" in result.output
    assert not out.exists()
