"""Document-level label evaluation (e.g. the Clough & Stevenson short-answer corpus).

Each labelled document gets a score: the share of its characters covered by the union of
run passages that align it with its source document. The scores are then compared with
the labels: ROC-AUC of reused (category != ``negative``) vs. not reused, AUC of each
reused category vs. the negatives, and mean coverage per category.

Label sheet (CSV, header row required):

* document id in ``file`` or ``doc_id``;
* ``category`` (e.g. ``cut``, ``light``, ``heavy``, ``non``; rows with ``orig`` are skipped);
* the source document id in a ``source`` column, or else built by formatting
  ``source_pattern`` with the row's columns (default ``orig_task{task}.txt``).

Rows whose document is its own source are skipped too. Ids are matched to the run's
``doc_id`` exactly, else by a unique basename (``docs/g0pA_taska.txt`` matches
``g0pA_taska.txt``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from textreuse.errors import ConfigError, DuplicateIdError, InputError
from textreuse.eval.metrics import basename_index, clip, resolve_id, roc_auc, union_length
from textreuse.eval.pan import read_passages, read_unread_documents

#: Category that marks a source document in the Clough corpus; such rows are skipped.
SOURCE_CATEGORY = "orig"

_ID_COLUMNS = ("file", "doc_id")


@dataclass(frozen=True)
class LabelScores:
    """How well passage coverage separates reused from non-reused documents."""

    auc: float
    auc_by_category: dict[str, float]
    mean_coverage: dict[str, float]
    counts: dict[str, int]
    unread: dict[str, str] = field(default_factory=dict)
    """Labelled and source documents the run did not read, by status (``rejected``,
    ``empty``): they score coverage 0."""

    def to_dict(self) -> dict[str, object]:
        """Plain dict, e.g. for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class LabelRow:
    """One usable row of a label sheet, ids as written in the sheet."""

    doc_id: str
    source: str
    category: str
    line: int


def coverage(intervals: Iterable[tuple[int, int]], length: int) -> float:
    """Share of ``[0, length)`` covered by the union of half-open intervals (0.0 if empty).

    Intervals are clipped to the document, so the result is always in ``[0, 1]``.
    """
    if length <= 0:
        return 0.0
    return union_length(clip(span, 0, length) for span in intervals) / length


def score_labels(scored: Iterable[tuple[str, float]], negative: str = "non") -> LabelScores:
    """Summarise ``(category, coverage)`` pairs; positives are categories other than ``negative``.

    Raises:
        ConfigError: there is no negative or no positive row, so no AUC exists.
    """
    by_cat: dict[str, list[float]] = defaultdict(list)
    for category, value in scored:
        by_cat[category].append(value)
    neg = by_cat.get(negative, [])
    pos = [v for cat, values in by_cat.items() if cat != negative for v in values]
    if not neg or not pos:
        seen = ", ".join(sorted(by_cat)) or "none"
        raise ConfigError(
            f"need rows with the negative category {negative!r} and rows with other "
            f"categories to compute an AUC; categories seen: {seen}"
        )
    cats = sorted(by_cat)
    return LabelScores(
        auc=roc_auc(pos, neg),
        auc_by_category={c: roc_auc(by_cat[c], neg) for c in cats if c != negative},
        mean_coverage={c: sum(by_cat[c]) / len(by_cat[c]) for c in cats},
        counts={c: len(by_cat[c]) for c in cats},
    )


def read_labels(labels_csv: Path, source_pattern: str = "orig_task{task}.txt") -> list[LabelRow]:
    """Read a label sheet, skipping source rows (category ``orig`` or doc == source).

    Raises:
        InputError: missing file, missing id/category column, empty id or category, a
            duplicate id, or a ``source_pattern`` naming a column the sheet lacks.
    """
    where = str(labels_csv)
    try:
        with labels_csv.open(newline="", encoding="utf-8-sig") as handle:
            records = list(csv.DictReader(handle, strict=True))
            header = [h.strip() for h in (records[0].keys() if records else [])]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(where, "", f"cannot read label sheet: {exc}") from exc
    if not records:
        raise InputError(where, "", "label sheet has no rows")
    id_col = next((c for c in _ID_COLUMNS if c in header), None)
    if id_col is None or "category" not in header:
        raise InputError(
            where,
            "header",
            f"need a 'file' or 'doc_id' column and a 'category' column, got {header}",
        )
    rows: list[LabelRow] = []
    seen: set[str] = set()
    for line, record in enumerate(records, start=2):
        values = {(k or "").strip(): (v or "").strip() for k, v in record.items()}
        doc_id, category = values[id_col], values["category"]
        if not doc_id or not category:
            raise InputError(where, f"line {line}", f"empty {id_col} or category")
        source = values.get("source") or _format_source(source_pattern, values, where, line)
        if category == SOURCE_CATEGORY or doc_id == source:
            continue
        if doc_id in seen:
            raise DuplicateIdError(where, f"line {line}", f"document {doc_id!r} listed twice")
        seen.add(doc_id)
        rows.append(LabelRow(doc_id, source, category, line))
    return rows


def _format_source(pattern: str, values: dict[str, str], where: str, line: int) -> str:
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            where,
            f"line {line}",
            f"source pattern {pattern!r} cannot be filled from this row ({exc!r}); "
            "add a 'source' column or pass a different source pattern",
        ) from exc


def read_document_lengths(out_dir: Path) -> dict[str, int]:
    """``doc_id -> len(text)`` from ``out_dir/documents.parquet`` (0 where text is null).

    Raises:
        InputError: the file is missing or unreadable.
    """
    path = out_dir / "documents.parquet"
    if not path.is_file():
        raise InputError(str(path), "", "not found; run `textreuse run ... --out` first")
    try:
        table = pq.read_table(path, columns=["doc_id", "text"])
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise InputError(str(path), "", f"cannot read documents: {exc}") from exc
    lengths = pc.fill_null(pc.utf8_length(table.column("text")), 0)
    return dict(zip(table.column("doc_id").to_pylist(), lengths.to_pylist(), strict=True))


def _resolve_rows(
    rows: Sequence[LabelRow], lengths: dict[str, int], labels_csv: Path, out_dir: Path
) -> list[tuple[LabelRow, str, str]]:
    """Attach run ids (doc, source) to each row; error if either is not in the run.

    Rows whose document resolves to its own source are dropped.
    """
    by_base = basename_index(lengths)
    resolved = []
    for row in rows:
        ids = []
        for role, name in (("document", row.doc_id), ("source document", row.source)):
            run_id = resolve_id(name, lengths, by_base)
            if run_id is None:
                raise InputError(
                    str(labels_csv),
                    f"line {row.line}",
                    f"{role} {name!r} is not in {out_dir / 'documents.parquet'}",
                )
            ids.append(run_id)
        if ids[0] != ids[1]:  # a source labelled as an answer to itself is skipped
            resolved.append((row, ids[0], ids[1]))
    return resolved


def _aligned_intervals(
    passages: pa.Table, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Intervals on ``doc`` of passages aligning ``doc`` with ``source``, either orientation."""
    docs = pa.array(sorted({d for pair in wanted for d in pair}), type=pa.string())
    mask = pc.and_(
        pc.is_in(passages.column("doc_a"), value_set=docs),
        pc.is_in(passages.column("doc_b"), value_set=docs),
    )
    table = passages.filter(mask)
    out: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    cols = [table.column(c).to_pylist() for c in ("doc_a", "a_start", "a_end", "doc_b")]
    cols += [table.column(c).to_pylist() for c in ("b_start", "b_end")]
    for doc_a, a_start, a_end, doc_b, b_start, b_end in zip(*cols, strict=True):
        if (doc_a, doc_b) in wanted:
            out[(doc_a, doc_b)].append((a_start, a_end))
        if (doc_b, doc_a) in wanted:
            out[(doc_b, doc_a)].append((b_start, b_end))
    return out


def evaluate_labels(
    labels_csv: Path,
    out_dir: Path,
    *,
    source_pattern: str = "orig_task{task}.txt",
    negative: str = "non",
) -> LabelScores:
    """Score document labels in ``labels_csv`` with the run in ``out_dir``.

    Raises:
        InputError: bad label sheet, missing run files, or a labelled / source document
            that is not in the run (the message names it).
        ConfigError: no negative or no positive rows.
    """
    labels_csv, out_dir = Path(labels_csv), Path(out_dir)
    rows = read_labels(labels_csv, source_pattern)
    lengths = read_document_lengths(out_dir)
    resolved = _resolve_rows(rows, lengths, labels_csv, out_dir)
    wanted = {(doc, src) for _, doc, src in resolved}
    intervals = _aligned_intervals(read_passages(out_dir), wanted)
    scored = [
        (row.category, coverage(intervals.get((doc, src), ()), lengths[doc]))
        for row, doc, src in resolved
    ]
    unread = read_unread_documents(out_dir, {d for _, doc, src in resolved for d in (doc, src)})
    return replace(score_labels(scored, negative), unread=unread)
