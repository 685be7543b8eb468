"""Provenance (#5): dates, passage direction, cluster sources, rewrite columns, sites, report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FERRY, LIBRARY, run_quick, write_jsonl

from textreuse.cli import main
from textreuse.core.dates import parse_date
from textreuse.report import build_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"

UNRELATED = (
    "A small bakery on the corner of Elm Road has won a regional prize for its rye bread, "
    "which the owner says follows a recipe her grandmother brought from the north. She "
    "plans to spend the prize money on a second oven and an apprentice for the winter."
)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-03", "2025-03-03T00:00:00"),
        ("2025-03-03T14:00:00+02:00", "2025-03-03T12:00:00"),
        ("Mon, 03 Mar 2025 14:00:00 +0200", "2025-03-03T12:00:00"),
        ("March 3, 2025", "2025-03-03T00:00:00"),
        ("2025-03-03 14:00 +0200", "2025-03-03T12:00:00"),
        ("03/04/2025", "2025-03-04T00:00:00"),
        ("03.04.2025", "2025-04-03T00:00:00"),
        ("3.4.2025 14:30", "2025-04-03T14:30:00"),
        ("2025.03.04", "2025-03-04T00:00:00"),
        ("2025-03-03T12:00:00Z", "2025-03-03T12:00:00"),
        ("3 March 2025 2pm EST", "2025-03-03T19:00:00"),
        ("3 March 2025 14:00 JST", "2025-03-03T05:00:00"),
        ("3 March 2025 14:00 ACST", "2025-03-03T04:30:00"),
        # written dates in other languages of the news
        ("jeudi 27 novembre 2025 à 10h30", "2025-11-27T10:30:00"),
        ("le 5 mai 2025", "2025-05-05T00:00:00"),
        ("Donnerstag, 27. November 2025, 10:00 Uhr", "2025-11-27T10:00:00"),
        ("5. März 2025", "2025-03-05T00:00:00"),
        ("miércoles, 5 de marzo de 2025 10:00", "2025-03-05T10:00:00"),
        ("5 dic 2025", "2025-12-05T00:00:00"),
        ("giovedì 27 novembre 2025 alle ore 10:00", "2025-11-27T10:00:00"),
        ("terça-feira, 5 de março de 2025 às 10:00", "2025-03-05T10:00:00"),
        ("5 maart 2025 om 10:00", "2025-03-05T10:00:00"),
        ("2025年3月5日 14:30", "2025-03-05T14:30:00"),
        ("2025년 3월 5일", "2025-03-05T00:00:00"),
        ("10:00 a.m. March 5, 2025", "2025-03-05T10:00:00"),
        # United States zones without standard or daylight: the date picks the offset
        ("Monday, March 3, 2025 at 2:00 PM ET", "2025-03-03T19:00:00"),
        ("July 3, 2025 2:00 PM ET", "2025-07-03T18:00:00"),
        ("2:00 PM PT, Jan 5, 2025", "2025-01-05T22:00:00"),
        # IANA zone names, with daylight saving time
        ("2025-03-03T14:00:00 America/New_York", "2025-03-03T19:00:00"),
        ("2025-07-03 14:00 (Europe/Paris)", "2025-07-03T12:00:00"),
        ("2025-01-03 14:00 Europe/Paris", "2025-01-03T13:00:00"),
        # GMT+1 is an hour ahead of GMT, as people write it (dateutil alone reads it
        # the POSIX way round, an hour behind)
        ("Mon 3 March 2025 14:00 GMT+1", "2025-03-03T13:00:00"),
        ("3 March 2025 14:00 UTC-5", "2025-03-03T19:00:00"),
        ("2025-03-03 14:00 UTC+05:30", "2025-03-03T08:30:00"),
        ("2025-03-03 14:00 Etc/GMT-1", "2025-03-03T13:00:00"),  # IANA's own sign
        # labels pages print before the date
        ("Updated: March 3, 2025 2:14 p.m. EST", "2025-03-03T19:14:00"),
        ("Last updated on 3 March 2025", "2025-03-03T00:00:00"),
        ("Posted: 03/03/2025", "2025-03-03T00:00:00"),
        ("Publié le 5 mai 2025 à 10h30", "2025-05-05T10:30:00"),
        ("Stand: 05.03.2025 10:00 Uhr", "2025-03-05T10:00:00"),
    ],
)
def test_dates_parse_to_utc(value: str, iso: str) -> None:
    from datetime import UTC, datetime

    parsed = parse_date(value)
    assert parsed.status == "ok"
    assert parsed.epoch_us is not None
    got = datetime.fromtimestamp(parsed.epoch_us / 1e6, UTC).replace(tzinfo=None)
    assert got.isoformat() == iso


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "March 3",
        "14:00",
        "not a date",
        "3 March 2025 14:00 IST",
        "2025-03-03 9am QQT",
        "5 mars",  # no year, in French too
        "Mai 2025",  # no day
        "2025年3月",
        "Published 3 hours ago",
        "2025-07-03 14:00 Mars/Olympus",  # not a zone: not taken as UTC
    ],
)
def test_unparseable_dates_are_reported_not_guessed(value: str) -> None:
    # an unknown or ambiguous zone name (IST) is not taken as UTC
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no library warning reaches the user
        assert parse_date(value).status == "unparseable"
        assert parse_date(value).epoch_us is None


def test_zone_names_do_not_depend_on_this_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    # dateutil alone reads a name matching the local zone ("IST" in India) as local time
    import time

    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    parse_date.cache_clear()
    try:
        assert "IST" in time.tzname
        assert parse_date("3 March 2025 14:00 IST").status == "unparseable"
        assert (
            parse_date("3 March 2025 14:00 JST").epoch_us
            == parse_date("2025-03-03T05:00:00Z").epoch_us
        )
    finally:
        monkeypatch.undo()
        time.tzset()
        parse_date.cache_clear()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_dates(value: str | None) -> None:
    assert parse_date(value).status == "missing"


def _run(tmp_path: Path, records: list[dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "out"
    manifest = run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out)
    return out, manifest


def _rows(out: Path, name: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(out / f"{name}.parquet").to_pylist()


def _one_passage(out: Path) -> dict[str, Any]:
    passages = _rows(out, "passages")
    assert passages, "no passage found"
    return passages[0]


def test_direction_by_date_and_date_columns(tmp_path: Path) -> None:
    out, manifest = _run(
        tmp_path,
        [
            {"id": "a", "text": FERRY, "date": "2025-03-05", "site": "late.example"},
            {"id": "b", "text": FERRY + "\n\n" + UNRELATED, "date": "March 3, 2025"},
            {"id": "c", "text": UNRELATED.upper()[:50], "date": "sometime"},
        ],
    )
    p = _one_passage(out)
    assert (p["doc_a"], p["doc_b"]) == ("a", "b")
    assert (p["direction"], p["direction_basis"]) == ("b_to_a", "date")
    docs = {d["doc_id"]: d for d in _rows(out, "documents")}
    assert docs["a"]["date_status"] == "ok" and docs["a"]["date_utc"] is not None
    assert docs["c"]["date_status"] == "unparseable" and docs["c"]["date_utc"] is None
    assert manifest["dates"]["ok"] == 2 and manifest["dates"]["unparseable"] == 1
    assert manifest["dates"]["unparseable_examples"] == [{"doc_id": "c", "date": "sometime"}]
    clusters = _rows(out, "clusters")
    assert {c["source_doc"] for c in clusters} == {"b"}
    assert all(c["source_confidence"] == 1.0 for c in clusters)


def test_equal_dates_fall_back_to_containment(tmp_path: Path) -> None:
    excerpt = FERRY.split("\n\n")[1]
    out, _ = _run(
        tmp_path,
        [
            {"id": "a", "text": FERRY + "\n\n" + LIBRARY, "date": "2025-03-03"},
            {"id": "b", "text": excerpt, "date": "2025-03-03T00:00:00Z"},
        ],
    )
    p = _one_passage(out)
    assert (p["direction"], p["direction_basis"]) == ("a_to_b", "containment")
    (cluster_source,) = {c["source_doc"] for c in _rows(out, "clusters")}
    assert cluster_source == "a"
    assert 0 < _rows(out, "clusters")[0]["source_confidence"] <= 0.5


def test_no_dates_and_no_signal_is_unknown(tmp_path: Path) -> None:
    out, manifest = _run(tmp_path, [{"id": "a", "text": FERRY}, {"id": "b", "text": FERRY}])
    p = _one_passage(out)
    assert (p["direction"], p["direction_basis"]) == ("unknown", "none")
    assert "note" in manifest["dates"]
    assert manifest["directions"]["by_direction"] == {"unknown": 1}
    assert _rows(out, "clusters")[0]["source_confidence"] == 0.0


def test_support_names_the_story_every_copy_shares(tmp_path: Path) -> None:
    paras = FERRY.split("\n\n")
    copies = [
        {"id": f"copy-{i}", "text": f"{extra}\n\n{paras[0]}\n\n{paras[1]}"}
        for i, extra in enumerate(
            [UNRELATED, LIBRARY.split("\n\n")[0], "Weather: rain later in the day."]
        )
    ]
    out, _ = _run(tmp_path, [{"id": "orig", "text": FERRY}, *copies])
    for p in _rows(out, "passages"):
        if "orig" in (p["doc_a"], p["doc_b"]) and p["direction"] != "unknown":
            source = p["doc_a"] if p["direction"] == "a_to_b" else p["doc_b"]
            assert source == "orig", p


def test_sites_graph(tmp_path: Path) -> None:
    excerpt = FERRY.split("\n\n")[1]
    records = [
        {"id": "wire-1", "text": FERRY, "date": "2025-03-01", "site": "wire.example"},
        {"id": "wire-2", "text": LIBRARY, "date": "2025-03-01", "site": "wire.example"},
        {
            "id": "farm-1",
            "text": excerpt + "\n\n" + UNRELATED,
            "date": "2025-03-02",
            "url": "https://www.farm.example/a",
        },
        {
            "id": "farm-2",
            "text": UNRELATED.replace("bakery", "shop"),
            "date": "2025-03-02",
            "url": "https://farm.example/b",
        },
        {"id": "farm-3", "text": LIBRARY, "date": "2025-03-04", "url": "https://farm.example/c"},
    ]
    out, _ = _run(tmp_path, records)
    sites = {(s["copier_site"], s["source_site"]): s for s in _rows(out, "sites")}
    edge = sites[("farm.example", "wire.example")]
    assert edge["copier_articles"] == 2
    assert edge["copier_share"] == pytest.approx(2 / 3)
    assert edge["passages"] >= 2
    assert 0.0 <= edge["median_rewrite_rate"] <= 1.0
    import duckdb

    con = duckdb.connect(str(out / "textreuse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM site_graph").fetchall()[0][0] == len(sites)
    finally:
        con.close()


def test_rewrite_columns_follow_direction(tmp_path: Path) -> None:
    source = (
        "William J. Burns, director of the CIA, flew to Moscow on November 2 to confront Russia "
        "over its troop build-up near the border, officials said on Friday."
    )
    copy = (
        "William J. Burns, the CIA director, had flown to Moscow on November 2 to confront the "
        "Russians over its troop build-up near the border, officials said on Friday."
    )
    for first, second, expected in ((source, copy, "a_to_b"), (copy, source, "b_to_a")):
        out, _ = _run(
            tmp_path / expected,
            [
                {
                    "id": "a",
                    "text": first,
                    "date": "2025-01-01" if first is source else "2025-02-01",
                },
                {
                    "id": "b",
                    "text": second,
                    "date": "2025-01-01" if second is source else "2025-02-01",
                },
            ],
        )
        p = _one_passage(out)
        assert p["direction"] == expected
        assert {"source": "flew", "copy": "had flown"} in p["substitution_pairs"]
        assert 0 < p["rewrite_rate"] < 1
        assert isinstance(p["clause_order_changed"], bool)


@pytest.mark.data
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not present at {SEEDS}")
def test_seed_burns_passage_rewrite_orientation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_quick([SEEDS], out)
    (p,) = _rows(out, "passages")
    flew_side = "a_to_b" if p["doc_a"].startswith("000_") else "b_to_a"
    pair = {"source": "flew", "copy": "had flown"}
    reverse = {"source": "had flown", "copy": "flew"}
    if p["direction"] in ("unknown", flew_side):  # unknown: doc a read as the source
        assert pair in p["substitution_pairs"]
    else:
        assert reverse in p["substitution_pairs"]


def test_report_cli_plain_and_json(tmp_path: Path) -> None:
    out, _ = _run(
        tmp_path,
        [
            {"id": "a", "text": FERRY, "date": "2025-03-01", "site": "one.example"},
            {"id": "b", "text": FERRY + "\n\n" + UNRELATED, "date": "2025-03-02", "site": "two"},
        ],
    )
    runner = CliRunner()
    plain = runner.invoke(main, ["report", str(out)])
    assert plain.exit_code == 0, plain.output
    assert "largest clusters" in plain.output
    as_json = runner.invoke(main, ["report", str(out), "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["counts"]["passages_by_direction"] == {"a_to_b": 1}
    assert data["top_clusters"][0]["source_doc"] == "a"
    assert data["top_site_pairs"][0]["copier_site"] == "two"
    assert data == json.loads(json.dumps(build_report(out), default=str))
    missing = runner.invoke(main, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code != 0 and "no such output folder" in missing.output
    (tmp_path / "other").mkdir()
    other = runner.invoke(main, ["report", str(tmp_path / "other")])
    assert other.exit_code != 0 and "not a textreuse output folder" in other.output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (("manifest.json", "{bad"), "cannot read the run's manifest"),
        (("manifest.json", "[]"), "not a textreuse run manifest"),
        (("passages.parquet", "garbage"), "cannot read its tables"),
    ],
)
def test_report_of_a_damaged_output_folder_is_an_error_naming_it(
    tmp_path: Path, damage: tuple[str, str], message: str
) -> None:
    out, _ = _run(tmp_path, [{"id": "a", "text": FERRY}, {"id": "b", "text": FERRY}])
    name, content = damage
    (out / name).write_text(content)
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit), "a traceback, not an error message"
    assert message in result.output and str(out) in result.output


def test_report_of_a_run_without_passages_says_none(tmp_path: Path) -> None:
    out, _ = _run(tmp_path, [{"id": "a", "text": FERRY}, {"id": "b", "text": UNRELATED}])
    plain = CliRunner().invoke(main, ["report", str(out)])
    assert plain.exit_code == 0, plain.output
    lines = plain.output.splitlines()
    assert "directions: none" in lines
    assert "largest clusters: none" in lines
    assert "copier → source sites: none (no document has a site or url)" in lines


def test_report_table_shortens_long_substitutions_and_json_keeps_them(tmp_path: Path) -> None:
    long_words = "a great many passengers who had travelled on the boat for decades"
    copy = FERRY.replace("passenger numbers fell", f"{long_words} fell")
    out, _ = _run(
        tmp_path,
        [
            {"id": "a", "text": FERRY, "date": "2025-03-01", "site": "one.example"},
            {"id": "b", "text": copy, "date": "2025-03-02", "site": "two.example"},
        ],
    )
    data = json.loads(CliRunner().invoke(main, ["report", str(out), "--json"]).output)
    assert data["counts"]["documents_with_site"] == 2
    assert f"passenger numbers → {long_words}" in data["most_rewritten"][0]["substitutions"]
    plain = CliRunner().invoke(main, ["report", str(out)], env={"COLUMNS": "200"})
    assert plain.exit_code == 0, plain.output
    assert "passenger numbers → a great many passen…" in plain.output
    assert long_words not in plain.output
