"""Paths with quotes and glob characters are read literally by DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_quick

from textreuse.duckdb_paths import connect_quietly, literal_glob, parquet_source, sql_string
from textreuse.errors import OutputError
from textreuse.report import build_report


def read_values(source: str) -> list[int]:
    con = duckdb.connect()
    try:
        return sorted(v for (v,) in con.execute(f"SELECT v FROM read_parquet({source})").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize(
    ("name", "decoy"), [("a[1].parquet", "a1.parquet"), ("a?b.parquet", "axb.parquet")]
)
def test_glob_characters_in_a_file_name_match_only_that_file(
    tmp_path: Path, name: str, decoy: str
) -> None:
    pq.write_table(pa.table({"v": [1]}), tmp_path / name)
    pq.write_table(pa.table({"v": [2]}), tmp_path / decoy)
    assert read_values(sql_string(literal_glob(str(tmp_path / name)))) == [1]


def test_parquet_source_reads_a_folder_of_parts_under_an_odd_name(tmp_path: Path) -> None:
    folder = tmp_path / "it's [x]*" / "passages.parquet"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"v": [1]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"v": [2]}), folder / "part-1.parquet")
    decoy = tmp_path / "it's x-other" / "passages.parquet"
    decoy.mkdir(parents=True)
    pq.write_table(pa.table({"v": [3]}), decoy / "part-0.parquet")
    assert read_values(parquet_source(str(folder))) == [1, 2]


def test_sql_string_doubles_quotes() -> None:
    assert sql_string("it's") == "'it''s'"
    con = duckdb.connect()
    literal = sql_string("a'b''c")
    assert con.execute(f"SELECT {literal}").fetchall() == [("a'b''c",)]
    con.close()


def test_run_and_report_in_a_folder_with_a_quote_and_glob_characters(
    tmp_path: Path, corpus_jsonl: Path
) -> None:
    out = tmp_path / "run's [1]*"
    manifest = run_quick([corpus_jsonl], out)
    passages = manifest["output_counts"]["passages"]
    assert passages > 0
    assert pq.read_table(out / "passages.parquet").num_rows == passages
    con = duckdb.connect(str(out / "textreuse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM passages").fetchall() == [(passages,)]
    con.close()
    report = build_report(out)
    assert sum(report["counts"]["passages_by_direction"].values()) == passages


def test_output_path_with_a_question_mark_is_refused_before_any_work(
    tmp_path: Path, corpus_jsonl: Path
) -> None:
    with pytest.raises(OutputError, match=r"contains '\?'"):
        run_quick([corpus_jsonl], tmp_path / "what?" / "out")
    assert list(tmp_path.iterdir()) == []


def test_connections_print_no_progress_bar(capfd: pytest.CaptureFixture[str]) -> None:
    """DuckDB prints its own progress bar on standard output for a long query, even
    into a file (where it would break ``--json`` output); textreuse's never do."""
    slow = "SELECT count(*) FROM range(200000000) AS t(x) WHERE x % 7 = 3"
    plain = duckdb.connect()
    plain.execute("SET progress_bar_time = 0")  # show it at once, not after 2 s
    plain.execute(slow).fetchall()
    assert "%" in "".join(capfd.readouterr())  # the bar this guards against
    quiet = connect_quietly()
    quiet.execute("SET progress_bar_time = 0")
    quiet.execute(slow).fetchall()
    assert capfd.readouterr() == ("", "")
