"""Tests for label evaluation, coverage and ROC-AUC."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from textreuse.cli import main
from textreuse.errors import ConfigError, DuplicateIdError, InputError
from textreuse.eval.labels import coverage, evaluate_labels, read_labels, score_labels
from textreuse.eval.metrics import basename_index, resolve_id, roc_auc, union_length
from textreuse.schema import DOCUMENTS_SCHEMA, METADATA_FIELDS, PASSAGES_SCHEMA

DATA = Path("/work/shared/data/clough-dev")

# --------------------------------------------------------------------------- roc_auc


def test_roc_auc_perfect_and_inverted() -> None:
    assert roc_auc([3, 4, 5], [0, 1, 2]) == 1.0
    assert roc_auc([0, 1], [2, 3]) == 0.0


def test_roc_auc_ties_count_half() -> None:
    assert roc_auc([1.0], [1.0]) == 0.5
    assert roc_auc([0.5, 0.5], [0.5, 0.5, 0.5]) == 0.5
    # pos 2 beats both negs, pos 1 ties one neg and beats the other: (2 + 1.5) / 4.
    assert roc_auc([1, 2], [0, 1]) == pytest.approx(0.875)


def test_roc_auc_known_value() -> None:
    # Pairs won: 0.8 beats 0.1,0.4 (2); 0.35 beats 0.1 (1); 0.9 beats both (2) -> 5 / 6.
    assert roc_auc([0.8, 0.35, 0.9], [0.1, 0.4]) == pytest.approx(5 / 6)


def test_roc_auc_rejects_empty_and_nan() -> None:
    with pytest.raises(ValueError):
        roc_auc([], [1.0])
    with pytest.raises(ValueError):
        roc_auc([float("nan")], [1.0])


scores = st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30)


@given(scores, scores)
def test_roc_auc_bounds_and_symmetry(pos: list[float], neg: list[float]) -> None:
    auc = roc_auc(pos, neg)
    assert 0.0 <= auc <= 1.0
    assert auc == pytest.approx(1.0 - roc_auc(neg, pos))


@given(scores, scores)
def test_roc_auc_matches_pairwise_definition(pos: list[float], neg: list[float]) -> None:
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    assert roc_auc(pos, neg) == pytest.approx(wins / (len(pos) * len(neg)))


# --------------------------------------------------------------------------- coverage


def test_coverage_unions_overlaps() -> None:
    assert coverage([(0, 10), (5, 20), (30, 40)], 100) == pytest.approx(0.3)
    assert coverage([], 100) == 0.0
    assert coverage([(0, 5)], 0) == 0.0
    assert coverage([(-5, 50), (90, 200)], 100) == pytest.approx(0.6)  # clipped


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=20))
def test_union_length_matches_set_of_positions(spans: list[tuple[int, int]]) -> None:
    covered = {i for start, end in spans for i in range(start, end)}
    assert union_length(spans) == len(covered)


def test_basename_resolution() -> None:
    ids = {"docs/a.txt": 1, "x/b.txt": 1, "y/b.txt": 1}
    index = basename_index(ids)
    assert resolve_id("a.txt", ids, index) == "docs/a.txt"
    assert resolve_id("docs/a.txt", ids, index) == "docs/a.txt"
    assert resolve_id("b.txt", ids, index) is None  # ambiguous
    assert resolve_id("c.txt", ids, index) is None


def test_score_labels_summary() -> None:
    result = score_labels(
        [("cut", 0.9), ("heavy", 0.3), ("non", 0.1), ("non", 0.3)], negative="non"
    )
    assert result.auc == pytest.approx((2 + 1.5) / 4)
    assert result.auc_by_category == {"cut": 1.0, "heavy": 0.75}
    assert result.mean_coverage["non"] == pytest.approx(0.2)
    assert result.counts == {"cut": 1, "heavy": 1, "non": 2}
    assert set(result.to_dict()) == {"auc", "auc_by_category", "mean_coverage", "counts", "unread"}


def test_score_labels_needs_both_classes() -> None:
    with pytest.raises(ConfigError, match="'non'"):
        score_labels([("cut", 0.5)])


# --------------------------------------------------------------------------- end to end


def write_run(
    out: Path,
    texts: dict[str, str | None],
    passages: list[tuple],
    statuses: list[str] | None = None,
) -> Path:
    out.mkdir()
    n = len(texts)
    docs = {
        "doc_id": list(texts),
        "text": list(texts.values()),
        **{name: [None] * n for name in METADATA_FIELDS},
        "status": statuses or ["ok"] * n,
        "boilerplate": [[] for _ in range(n)],
        "source": ["test"] * n,
        "location": [f"line {i}" for i in range(n)],
        "date_utc": [None] * n,
        "date_status": ["missing"] * n,
    }
    pq.write_table(pa.Table.from_pydict(docs, schema=DOCUMENTS_SCHEMA), out / "documents.parquet")
    m = len(passages)
    cols = list(zip(*passages, strict=True)) if passages else [() for _ in range(6)]
    rows = {
        "passage_id": list(range(m)),
        **{
            name: list(col)
            for name, col in zip(
                ("doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end"), cols, strict=True
            )
        },
        "score": [1.0] * m,
        **{c: [0] * m for c in ("matches", "substitutions", "insertions", "deletions")},
        "cluster_id": [0] * m,
        "direction": ["unknown"] * m,
        "direction_basis": ["none"] * m,
        "rewrite_rate": [0.0] * m,
        "substitution_pairs": [[] for _ in range(m)],
        "clause_order_changed": [False] * m,
    }
    pq.write_table(pa.Table.from_pydict(rows, schema=PASSAGES_SCHEMA), out / "passages.parquet")
    return out


CLOUGH_CSV = """file,task,category
orig_taska.txt,a,orig
cut_a.txt,a,cut
heavy_a.txt,a,heavy
non_a.txt,a,non
non_b.txt,b,non
"""


@pytest.fixture
def clough_run(tmp_path: Path) -> tuple[Path, Path]:
    texts = {
        "orig_taska.txt": "x" * 100,
        "orig_taskb.txt": "y" * 100,
        "cut_a.txt": "c" * 100,
        "heavy_a.txt": "h" * 100,
        "non_a.txt": "n" * 100,
        "non_b.txt": "m" * 100,
    }
    passages = [
        ("cut_a.txt", 0, 60, "orig_taska.txt", 0, 60),
        ("orig_taska.txt", 0, 40, "cut_a.txt", 50, 90),  # reversed, overlaps previous
        ("heavy_a.txt", 0, 30, "orig_taska.txt", 0, 30),
        ("non_a.txt", 0, 50, "orig_taskb.txt", 0, 50),  # wrong source: ignored
        ("non_b.txt", 0, 10, "orig_taskb.txt", 0, 10),
    ]
    labels = tmp_path / "labels.csv"
    labels.write_text(CLOUGH_CSV)
    return labels, write_run(tmp_path / "out", texts, passages)


def test_evaluate_labels_clough_layout(clough_run: tuple[Path, Path]) -> None:
    labels, out = clough_run
    result = evaluate_labels(labels, out)
    assert result.counts == {"cut": 1, "heavy": 1, "non": 2}
    assert result.mean_coverage["cut"] == pytest.approx(0.9)
    assert result.mean_coverage["heavy"] == pytest.approx(0.3)
    assert result.mean_coverage["non"] == pytest.approx(0.05)
    assert result.auc == 1.0
    assert result.auc_by_category == {"cut": 1.0, "heavy": 1.0}


def test_evaluate_labels_generic_sheet(tmp_path: Path, clough_run: tuple[Path, Path]) -> None:
    _, out = clough_run
    sheet = tmp_path / "generic.csv"
    sheet.write_text(
        "doc_id,source,category\n"
        "cut_a.txt,orig_taska.txt,yes\n"
        "non_a.txt,orig_taskb.txt,no\n"
        "non_b.txt,orig_taskb.txt,no\n"
    )
    result = evaluate_labels(sheet, out, negative="no")
    # non_a is aligned with orig_taskb (its stated source) here: 0.5 coverage.
    assert result.mean_coverage == {"no": pytest.approx(0.3), "yes": pytest.approx(0.9)}
    assert result.auc == 1.0


def test_missing_labelled_doc_is_named(tmp_path: Path, clough_run: tuple[Path, Path]) -> None:
    _, out = clough_run
    sheet = tmp_path / "labels.csv"
    sheet.write_text("file,task,category\nghost_a.txt,a,cut\nnon_a.txt,a,non\n")
    with pytest.raises(InputError, match=r"ghost_a\.txt"):
        evaluate_labels(sheet, out)


def test_labelled_documents_the_run_did_not_read_are_named(tmp_path: Path) -> None:
    """A rejected answer scores coverage 0 like a non-reused one: the scores name it,
    and the command warns, so a lower AUC is not mistaken for the detector's."""
    texts: dict[str, str | None] = {
        "orig_taska.txt": "x" * 100,
        "cut_a.txt": None,
        "heavy_a.txt": "h" * 100,
        "non_a.txt": "n" * 100,
        "non_b.txt": "",
    }
    passages = [("heavy_a.txt", 0, 30, "orig_taska.txt", 0, 30)]
    statuses = ["ok", "rejected", "ok", "ok", "empty"]
    out = write_run(tmp_path / "out", texts, passages, statuses)
    labels = tmp_path / "labels.csv"
    labels.write_text(CLOUGH_CSV.replace("non_b.txt,b,non", "non_b.txt,a,non"))
    result = evaluate_labels(labels, out)
    assert result.unread == {"cut_a.txt": "rejected", "non_b.txt": "empty"}
    assert result.mean_coverage["cut"] == 0.0
    cli = CliRunner().invoke(main, ["eval", "labels", "--labels", str(labels), str(out)])
    assert cli.exit_code == 0, cli.output
    assert "the run did not read 2 of the scored documents" in cli.stderr
    assert "cut_a.txt (rejected), non_b.txt (empty)" in cli.stderr
    assert json.loads(cli.stdout)["unread"] == result.unread


def test_missing_run_files(tmp_path: Path, clough_run: tuple[Path, Path]) -> None:
    labels, _ = clough_run
    with pytest.raises(InputError, match=r"documents\.parquet"):
        evaluate_labels(labels, tmp_path / "nowhere")


def test_bad_sheets(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text("name,category\na,cut\n")
    with pytest.raises(InputError, match="'file' or 'doc_id'"):
        read_labels(sheet)
    sheet.write_text("file,category\na.txt,cut\n")
    with pytest.raises(InputError, match="line 2"):
        read_labels(sheet)  # pattern needs {task}
    sheet.write_text('file,task,category\n"a.txt"x,a,cut\n')
    with pytest.raises(InputError, match="expected after"):
        read_labels(sheet)  # text after a closing quote is not silently joined
    sheet.write_text("file,task,category\na.txt,a,cut\na.txt,a,cut\n")
    with pytest.raises(DuplicateIdError, match="line 3"):
        read_labels(sheet)
    with pytest.raises(InputError, match="cannot read"):
        read_labels(tmp_path / "missing.csv")


@pytest.mark.data
def test_clough_dev_sheet() -> None:
    if not DATA.is_dir():
        pytest.skip("shared Clough data not present")
    rows = read_labels(DATA / "labels.csv")
    assert len(rows) == 38
    assert all(r.category != "orig" for r in rows)
    assert {r.source for r in rows} <= {p.name for p in (DATA / "docs").glob("orig_task*.txt")}
