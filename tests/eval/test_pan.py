"""Tests for the PAN text-alignment measures and truth reading."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from textreuse.cli import main
from textreuse.errors import InputError, TextReuseError
from textreuse.eval.pan import (
    PanCase,
    detections_from_passages,
    evaluate_pan,
    read_pan_truth,
    score_pan,
)
from textreuse.schema import PASSAGES_SCHEMA

DATA = Path("/work/shared/data/pan13-dev")
SUSP, SRC = "suspicious-document00001.txt", "source-document00002.txt"


def case(s0: int, s1: int, r0: int, r1: int, susp: str = SUSP, src: str = SRC) -> PanCase:
    return PanCase(susp, s0, s1, src, r0, r1)


def passages_table(rows: list[tuple[str, int, int, str, int, int]]) -> pa.Table:
    n = len(rows)
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in range(6)]
    data = {
        "passage_id": list(range(n)),
        "doc_a": list(cols[0]),
        "a_start": list(cols[1]),
        "a_end": list(cols[2]),
        "doc_b": list(cols[3]),
        "b_start": list(cols[4]),
        "b_end": list(cols[5]),
        "score": [1.0] * n,
        "matches": [0] * n,
        "substitutions": [0] * n,
        "insertions": [0] * n,
        "deletions": [0] * n,
        "cluster_id": [0] * n,
        "direction": ["unknown"] * n,
        "direction_basis": ["none"] * n,
        "rewrite_rate": [0.0] * n,
        "substitution_pairs": [[] for _ in range(n)],
        "clause_order_changed": [False] * n,
    }
    return pa.Table.from_pydict(data, schema=PASSAGES_SCHEMA)


# --------------------------------------------------------------------------- measures


def test_perfect_detection() -> None:
    c = case(10, 110, 200, 300)
    s = score_pan([c], [c])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (1.0, 1.0, 1.0, 1.0)
    assert (s.cases, s.detections, s.pairs) == (1, 1, 1)


def test_two_halves_granularity_two() -> None:
    c = case(0, 100, 0, 100)
    dets = [case(0, 50, 0, 50), case(50, 100, 50, 100)]
    s = score_pan([c], dets)
    assert s.recall == 1.0
    assert s.precision == 1.0
    assert s.granularity == 2.0
    assert s.plagdet == pytest.approx(1 / math.log2(3))


def test_overrun_by_100_percent_halves_precision() -> None:
    s = score_pan([case(0, 100, 0, 100)], [case(0, 200, 0, 200)])
    assert s.precision == 0.5
    assert s.recall == 1.0
    assert s.plagdet == pytest.approx(2 * 0.5 / 1.5)


def test_overlap_needed_in_both_documents() -> None:
    # Overlaps in the suspicious document only: not a detection.
    s = score_pan([case(0, 100, 0, 100)], [case(0, 100, 500, 600)])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_detection_in_wrong_pair_does_not_count() -> None:
    s = score_pan([case(0, 100, 0, 100)], [case(0, 100, 0, 100, src="other.txt")])
    assert (s.precision, s.recall, s.plagdet) == (0.0, 0.0, 0.0)
    assert s.pairs == 2


def test_no_detections_gives_zeros() -> None:
    s = score_pan([case(0, 100, 0, 100)], [])
    assert (s.precision, s.recall, s.granularity, s.plagdet) == (0.0, 0.0, 1.0, 0.0)


def test_nothing_to_find_and_nothing_found_is_perfect() -> None:
    # Official-script convention.
    s = score_pan([], [])
    assert (s.precision, s.recall, s.plagdet) == (1.0, 1.0, 1.0)


def test_values_from_official_unit_tests() -> None:
    ann7 = case(0, 100, 0, 100, susp="t2", src="s2")
    ann9 = case(50, 150, 50, 150, susp="t2", src="s2")
    ann10 = case(25, 100, 25, 100, susp="t2", src="s2")
    s = score_pan([ann7], [ann9, ann10])
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.75)
    assert score_pan([ann7], [ann9]).recall == pytest.approx(0.5)


def test_granularity_averages_over_detected_cases_only() -> None:
    cases = [case(0, 100, 0, 100), case(100, 200, 100, 200), case(900, 950, 900, 950)]
    dets = [case(0, 200, 0, 200), case(0, 50, 0, 50)]
    assert score_pan(cases, dets).granularity == 1.5


def test_recall_counts_union_once() -> None:
    # Two overlapping detections covering the same half: recall 0.5, not 1.
    s = score_pan([case(0, 100, 0, 100)], [case(0, 50, 0, 50), case(10, 50, 10, 50)])
    assert s.recall == pytest.approx(0.5)


def test_sizes_count_both_documents() -> None:
    # Case 100 + 100 chars; detection covers 100 susp chars and 50 src chars.
    s = score_pan([case(0, 100, 0, 100)], [case(0, 100, 0, 50)])
    assert s.recall == pytest.approx(150 / 200)
    assert s.precision == 1.0


def test_duplicate_detections_counted_once() -> None:
    c = case(0, 100, 0, 100)
    s = score_pan([c], [c, c])
    assert (s.detections, s.granularity) == (1, 1.0)


def test_bad_case_ranges_rejected() -> None:
    with pytest.raises(ValueError):
        case(10, 5, 0, 1)


# --------------------------------------------------------------------------- passages


def test_orientation_swap_handled() -> None:
    table = passages_table([(SRC, 0, 100, SUSP, 10, 110), (SUSP, 10, 110, SRC, 0, 100)])
    dets = detections_from_passages(table, {(SUSP, SRC)})
    assert dets == [case(10, 110, 0, 100)] * 2


def test_unlisted_pairs_dropped_and_basenames_matched() -> None:
    table = passages_table(
        [
            (f"susp/{SUSP}", 0, 10, f"src/{SRC}", 0, 10),
            (SUSP, 0, 10, "source-document09999.txt", 0, 10),
        ]
    )
    assert detections_from_passages(table, {(SUSP, SRC)}) == [case(0, 10, 0, 10)]


# --------------------------------------------------------------------------- truth files

XML = (
    '<document reference="{susp}">'
    '<feature name="about" authors="x" />'
    '<feature name="plagiarism" obfuscation="none" this_offset="{o}" this_length="{n}" '
    'source_reference="{src}" source_offset="{so}" source_length="{sn}" />'
    "</document>"
)


def write_truth(root: Path) -> Path:
    truth = root / "truth"
    truth.mkdir()
    (truth / "suspicious-document00001-source-document00002.xml").write_text(
        XML.format(susp=SUSP, src=SRC, o=10, n=100, so=0, sn=90)
    )
    (truth / "suspicious-document00001-source-document00003.xml").write_text(
        f'<document reference="{SUSP}"></document>'
    )
    return truth


def test_read_truth_from_xml(tmp_path: Path) -> None:
    cases, pairs = read_pan_truth(write_truth(tmp_path))
    assert cases == [case(10, 110, 0, 90)]
    assert pairs == {(SUSP, SRC), (SUSP, "source-document00003.txt")}


def test_pairs_file_found_next_to_truth(tmp_path: Path) -> None:
    truth = write_truth(tmp_path)
    (tmp_path / "pairs").write_text(f"{SUSP} {SRC}\n\n")
    _, pairs = read_pan_truth(truth)
    assert pairs == {(SUSP, SRC)}
    _, pairs = read_pan_truth(truth, pairs_file=tmp_path / "pairs")
    assert pairs == {(SUSP, SRC)}


def test_malformed_pairs_line(tmp_path: Path) -> None:
    truth = write_truth(tmp_path)
    (tmp_path / "pairs").write_text("only-one-name\n")
    with pytest.raises(InputError, match="line 1"):
        read_pan_truth(truth)


@pytest.mark.parametrize(
    "text",
    [
        "<document reference='a.txt'><feature",
        "<document><feature name='plagiarism' /></document>",
        "<document reference='a.txt'><feature name='plagiarism' this_offset='x' "
        "this_length='1' source_reference='b.txt' source_offset='0' source_length='1'/>"
        "</document>",
        "<document reference='a.txt'><feature name='plagiarism' this_offset='0' "
        "this_length='1' /></document>",
    ],
)
def test_malformed_xml_names_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "bad.xml").write_text(text)
    with pytest.raises(InputError, match=r"bad\.xml"):
        read_pan_truth(tmp_path)


def test_empty_or_missing_truth_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no PAN truth"):
        read_pan_truth(tmp_path)
    with pytest.raises(InputError, match="not found"):
        read_pan_truth(tmp_path / "nope")


def test_evaluate_pan_end_to_end(tmp_path: Path) -> None:
    truth = write_truth(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    rows = [
        (SRC, 0, 90, SUSP, 10, 110),  # the case, reversed orientation
        (SUSP, 500, 600, "source-document00003.txt", 0, 100),  # false positive, listed pair
        (SUSP, 0, 10, "unrelated.txt", 0, 10),  # not a listed pair: ignored
    ]
    pq.write_table(passages_table(rows), out / "passages.parquet")
    write_documents(out, ["susp/" + SUSP, "src/" + SRC, "src/source-document00003.txt"])
    s = evaluate_pan(truth, out)
    assert (s.recall, s.precision, s.granularity) == (1.0, 0.5, 1.0)
    assert (s.cases, s.detections, s.pairs) == (1, 2, 2)
    assert s.to_dict()["plagdet"] == pytest.approx(2 / 3)


def write_documents(out: Path, doc_ids: list[str], statuses: list[str] | None = None) -> None:
    status = statuses or ["ok"] * len(doc_ids)
    pq.write_table(pa.table({"doc_id": doc_ids, "status": status}), out / "documents.parquet")


def test_evaluate_pan_names_pair_documents_the_run_did_not_read(tmp_path: Path) -> None:
    """A rejected suspicious document scores as all missed: the scores say so, and the
    command warns on standard error, where a low plagdet alone would not say why."""
    truth = write_truth(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(passages_table([]), out / "passages.parquet")
    ids = ["susp/" + SUSP, "src/" + SRC, "src/source-document00003.txt", "other.txt"]
    write_documents(out, ids, ["rejected", "ok", "ok", "empty"])
    scores = evaluate_pan(truth, out)
    assert scores.recall == 0.0
    assert scores.unread == {"susp/" + SUSP: "rejected"}  # other.txt is in no listed pair
    result = CliRunner().invoke(main, ["eval", "pan", "--truth", str(truth), str(out)])
    assert result.exit_code == 0, result.output
    assert "the run did not read 1 of the scored documents" in result.stderr
    assert f"susp/{SUSP} (rejected)" in result.stderr
    assert json.loads(result.stdout)["unread"] == {"susp/" + SUSP: "rejected"}
    write_documents(out, ids)
    clean = CliRunner().invoke(main, ["eval", "pan", "--truth", str(truth), str(out)])
    assert clean.stderr == "" and json.loads(clean.stdout)["unread"] == {}


def test_evaluate_pan_missing_passages(tmp_path: Path) -> None:
    truth = write_truth(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(TextReuseError, match=r"documents\.parquet"):
        evaluate_pan(truth, out)
    out.mkdir()
    write_documents(out, [SUSP, SRC, "source-document00003.txt"])
    with pytest.raises(TextReuseError, match=r"passages\.parquet"):
        evaluate_pan(truth, out)


def test_evaluate_pan_refuses_run_without_the_pair_documents(tmp_path: Path) -> None:
    """A run over another corpus must not score a plausible 0: its cases would all be missed."""
    truth = write_truth(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    pq.write_table(passages_table([]), out / "passages.parquet")
    write_documents(out, [SUSP, "unrelated.txt"])
    with pytest.raises(InputError, match=r"2 of the 3 documents .*'source-document00002\.txt'"):
        evaluate_pan(truth, out)


@pytest.mark.data
def test_pan13_dev_truth() -> None:
    if not DATA.is_dir():
        pytest.skip("shared PAN data not present")
    cases, pairs = read_pan_truth(DATA / "truth")
    assert len(pairs) == 194
    assert len(cases) == 231
    assert all(c.pair in pairs for c in cases)
    assert score_pan(cases, cases).plagdet == 1.0


# --------------------------------------------------------------------------- brute force


def brute_share(ref: PanCase, others: list[PanCase]) -> float:
    """Character-set version of the official overlapping_chars / (TLEN + SLEN)."""
    hits = [
        o
        for o in others
        if o.pair == ref.pair
        and o.susp_end > ref.susp_start
        and o.susp_start < ref.susp_end
        and o.src_end > ref.src_start
        and o.src_start < ref.src_end
    ]
    susp = set(range(ref.susp_start, ref.susp_end))
    src = set(range(ref.src_start, ref.src_end))
    got_susp = {i for o in hits for i in range(o.susp_start, o.susp_end)} & susp
    got_src = {i for o in hits for i in range(o.src_start, o.src_end)} & src
    return (len(got_susp) + len(got_src)) / (len(susp) + len(src))


span = st.tuples(st.integers(0, 60), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1]))
annotation = st.builds(
    lambda s, r, src: PanCase(SUSP, s[0], s[1], src, r[0], r[1]),
    span,
    span,
    st.sampled_from([SRC, "other.txt"]),
)


@given(st.lists(annotation, min_size=1, max_size=6), st.lists(annotation, min_size=1, max_size=6))
def test_matches_character_set_definition(cases: list[PanCase], dets: list[PanCase]) -> None:
    cases, dets = list(dict.fromkeys(cases)), list(dict.fromkeys(dets))
    s = score_pan(cases, dets)
    assert s.recall == pytest.approx(sum(brute_share(c, dets) for c in cases) / len(cases))
    assert s.precision == pytest.approx(sum(brute_share(d, cases) for d in dets) / len(dets))
    assert 0.0 <= s.plagdet <= 1.0
    assert s.granularity >= 1.0
