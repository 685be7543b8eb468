"""PAN text-alignment evaluation: precision, recall, granularity and plagdet.

The measures follow Potthast et al. 2010, "An Evaluation Framework for Plagiarism
Detection", as computed by the official ``pan09-plagiarism-detection-performance-measures.py``
(macro-averaged variant, the one PAN reports):

* A case ``s`` and a detection ``r`` are each a pair of character ranges, one in the
  suspicious document and one in the source document. ``r`` *detects* ``s`` when both name
  the same (susp, src) pair and the ranges overlap in **both** documents
  (``r.start < s.end and s.start < r.end``, exactly the official test).
* ``|x|`` counts the characters of ``x`` in both documents: ``len(susp range) + len(src range)``.
* ``recall = 1/|S| · Σ_s |⋃_{r detects s} (s ⊓ r)| / |s|``
* ``precision = 1/|R| · Σ_r |⋃_{s detected by r} (s ⊓ r)| / |r|``
* ``granularity`` = mean number of detections per *detected* case (1 if none is detected).
* ``plagdet = F1(precision, recall) / log2(1 + granularity)``.

Edge cases match the official script: no cases and no detections → precision = recall = 1;
exactly one side empty → precision = recall = 0; no detections → granularity 1; plagdet is 0
when precision and recall are both 0. Like the official script (which stores annotations in
sets), identical duplicate cases or detections are counted once. A case or detection with no
characters in either document contributes 0 to its average (the official script would divide
by zero).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.errors import InputError
from textreuse.eval.metrics import basename_index, clip, resolve_id, union_length

Pair = tuple[str, str]

_PASSAGE_COLUMNS = ("doc_a", "a_start", "a_end", "doc_b", "b_start", "b_end")


@dataclass(frozen=True)
class PanCase:
    """A plagiarism case or a detection: a range in the suspicious and one in the source doc.

    Offsets are character offsets, end exclusive.
    """

    susp: str
    susp_start: int
    susp_end: int
    src: str
    src_start: int
    src_end: int

    def __post_init__(self) -> None:
        if not 0 <= self.susp_start <= self.susp_end or not 0 <= self.src_start <= self.src_end:
            raise ValueError(
                f"bad ranges in {self.susp}/{self.src}: susp [{self.susp_start}, "
                f"{self.susp_end}), src [{self.src_start}, {self.src_end})"
            )

    @property
    def pair(self) -> Pair:
        """The (susp, src) document pair."""
        return (self.susp, self.src)

    @property
    def size(self) -> int:
        """Characters in both documents, as the official script counts them."""
        return (self.susp_end - self.susp_start) + (self.src_end - self.src_start)


@dataclass(frozen=True)
class PanScores:
    """PAN text-alignment scores for one run."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    pairs: int
    unread: dict[str, str] = field(default_factory=dict)
    """Documents of the pairs list the run did not read, by status (``rejected``,
    ``empty``): their cases count as missed."""

    def to_dict(self) -> dict[str, object]:
        """Plain dict, e.g. for JSON."""
        return asdict(self)


# --------------------------------------------------------------------------- measures


def overlaps(a: PanCase, b: PanCase) -> bool:
    """True if ``a`` and ``b`` name the same pair and overlap in both documents."""
    return (
        a.pair == b.pair
        and b.susp_start < a.susp_end
        and a.susp_start < b.susp_end
        and b.src_start < a.src_end
        and a.src_start < b.src_end
    )


def overlap_share(ref: PanCase, others: Iterable[PanCase]) -> float:
    """Share of ``ref``'s characters (both documents) covered by the ``others`` overlapping it."""
    hits = [o for o in others if overlaps(ref, o)]
    if not hits or ref.size == 0:
        return 0.0
    susp = union_length(
        clip((o.susp_start, o.susp_end), ref.susp_start, ref.susp_end) for o in hits
    )
    src = union_length(clip((o.src_start, o.src_end), ref.src_start, ref.src_end) for o in hits)
    return (susp + src) / ref.size


def _by_pair(items: Iterable[PanCase]) -> dict[Pair, list[PanCase]]:
    index: dict[Pair, list[PanCase]] = defaultdict(list)
    for item in items:
        index[item.pair].append(item)
    return index


def macro_recall(cases: Sequence[PanCase], detections: Sequence[PanCase]) -> float:
    """Macro-averaged recall; ``macro_recall(detections, cases)`` is the precision."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    det_index = _by_pair(detections)
    total = sum(overlap_share(case, det_index.get(case.pair, ())) for case in cases)
    return total / len(cases)


def granularity(cases: Sequence[PanCase], detections: Sequence[PanCase]) -> float:
    """Mean number of detections detecting each detected case; 1 when none is detected."""
    det_index = _by_pair(detections)
    counts = [sum(overlaps(c, d) for d in det_index.get(c.pair, ())) for c in cases]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(precision: float, recall: float, gran: float) -> float:
    """F1 of precision and recall divided by log2(1 + granularity); 0 if F1 is undefined."""
    if (precision == 0 and recall == 0) or precision < 0 or recall < 0 or gran < 1:
        return 0.0
    return (2 * precision * recall / (precision + recall)) / math.log2(1 + gran)


def score_pan(
    cases: Iterable[PanCase], detections: Iterable[PanCase], *, pairs: int | None = None
) -> PanScores:
    """Score ``detections`` against the truth ``cases`` (see the module docstring).

    ``pairs`` is only reported; by default it is the number of distinct pairs among the
    cases and detections. Duplicate cases / detections are counted once.
    """
    case_list = list(dict.fromkeys(cases))
    det_list = list(dict.fromkeys(detections))
    rec = macro_recall(case_list, det_list)
    prec = macro_recall(det_list, case_list)
    gran = granularity(case_list, det_list)
    if pairs is None:
        pairs = len({c.pair for c in case_list} | {d.pair for d in det_list})
    return PanScores(
        precision=prec,
        recall=rec,
        granularity=gran,
        plagdet=plagdet(prec, rec, gran),
        cases=len(case_list),
        detections=len(det_list),
        pairs=pairs,
    )


# --------------------------------------------------------------------------- truth files


def _int_attr(node: ET.Element, name: str, path: Path) -> int:
    raw = node.get(name)
    try:
        value = int(raw) if raw is not None else -1
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(str(path), "", f"feature needs a non-negative integer {name}, got {raw!r}")
    return value


def parse_pan_xml(path: Path) -> tuple[list[PanCase], set[Pair]]:
    """Cases and pairs named by one PAN truth file.

    Cases are ``<feature>`` elements whose ``name`` ends with ``plagiarism`` (as in the
    official script). Pairs are (reference, source_reference) of each case, plus the pair
    encoded in a ``<susp-stem>-<src-stem>.xml`` file name, so files without features
    (negative pairs) still define their pair.

    Raises:
        InputError: unreadable XML, a root without ``reference``, or a plagiarism feature
            without integer offsets/lengths or ``source_reference``.
    """
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(str(path), "", f"cannot parse PAN truth XML: {exc}") from exc
    susp = root.get("reference")
    if not susp:
        raise InputError(str(path), "", "root element has no 'reference' attribute")
    cases: list[PanCase] = []
    pairs: set[Pair] = set()
    stem = PurePosixPath(susp).stem
    if path.stem.startswith(stem + "-") and len(path.stem) > len(stem) + 1:
        pairs.add((susp, path.stem[len(stem) + 1 :] + PurePosixPath(susp).suffix))
    for node in root.iter("feature"):
        if not node.get("name", "").endswith("plagiarism"):
            continue
        src = node.get("source_reference")
        if not src:
            raise InputError(str(path), "", "plagiarism feature has no 'source_reference'")
        this_off = _int_attr(node, "this_offset", path)
        this_len = _int_attr(node, "this_length", path)
        src_off = _int_attr(node, "source_offset", path)
        src_len = _int_attr(node, "source_length", path)
        cases.append(PanCase(susp, this_off, this_off + this_len, src, src_off, src_off + src_len))
        pairs.add((susp, src))
    return cases, pairs


def read_pairs(pairs_file: Path) -> set[Pair]:
    """Read a PAN ``pairs`` file: one ``susp-file src-file`` per line; blank lines skipped.

    Raises:
        InputError: the file cannot be read or a line does not hold exactly two names.
    """
    try:
        lines = pairs_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(pairs_file), "", f"cannot read pairs file: {exc}") from exc
    pairs: set[Pair] = set()
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2:
            raise InputError(str(pairs_file), f"line {number}", "expected 'susp-file src-file'")
        pairs.add((fields[0], fields[1]))
    return pairs


def find_pairs_file(truth_dir: Path) -> Path | None:
    """The default pairs file: ``truth_dir/pairs``, else ``truth_dir/../pairs``, else None."""
    for candidate in (truth_dir / "pairs", truth_dir.resolve().parent / "pairs"):
        if candidate.is_file():
            return candidate
    return None


def read_pan_truth(
    truth_dir: Path, pairs_file: Path | None = None
) -> tuple[list[PanCase], set[Pair]]:
    """Read the truth cases (``*.xml`` and ``*/*.xml`` below ``truth_dir``) and the pairs.

    Pairs come from ``pairs_file`` if given, else from :func:`find_pairs_file`, else from
    the XML files themselves (see :func:`parse_pan_xml`). Cases are never filtered by the
    pairs list: every truth case counts towards recall.

    Raises:
        InputError: ``truth_dir`` is not a folder, holds no XML file, or a file is malformed.
    """
    if not truth_dir.is_dir():
        raise InputError(str(truth_dir), "", "PAN truth folder not found")
    files = sorted({*truth_dir.glob("*.xml"), *truth_dir.glob("*/*.xml")})
    if not files:
        raise InputError(str(truth_dir), "", "no PAN truth *.xml files in this folder")
    cases: list[PanCase] = []
    xml_pairs: set[Pair] = set()
    for path in files:
        file_cases, file_pairs = parse_pan_xml(path)
        cases.extend(file_cases)
        xml_pairs |= file_pairs
    if pairs_file is None:
        pairs_file = find_pairs_file(truth_dir)
    pairs = read_pairs(pairs_file) if pairs_file is not None else xml_pairs
    return cases, pairs


# --------------------------------------------------------------------------- run output


def _pair_name(doc_id: str, names: set[str]) -> str | None:
    """The pairs-list name for a run doc id: the id itself, else its basename, else None."""
    if doc_id in names:
        return doc_id
    base = PurePosixPath(doc_id).name
    return base if base in names else None


def detections_from_passages(passages: pa.Table, pairs: set[Pair]) -> list[PanCase]:
    """Turn run passages into PAN detections for the listed (susp, src) pairs.

    Each passage is oriented so that ``susp`` is the document that is the suspicious one of
    a listed pair (the run's ``doc_a``/``doc_b`` order is arbitrary). Passages between
    documents that are not a listed pair are dropped. Run ids are matched to pair names
    exactly, or by basename (so a run over ``pan13/`` with ids ``susp/x.txt`` still works).
    If a pair is listed in both orientations the passage yields a detection for each.
    """
    missing = [c for c in _PASSAGE_COLUMNS if c not in passages.column_names]
    if missing:
        raise ValueError(f"passages table lacks columns {missing}")
    names = {name for pair in pairs for name in pair}
    cols = {c: passages.column(c).to_pylist() for c in _PASSAGE_COLUMNS}
    detections: list[PanCase] = []
    for doc_a, a_start, a_end, doc_b, b_start, b_end in zip(
        *(cols[c] for c in _PASSAGE_COLUMNS), strict=True
    ):
        name_a, name_b = _pair_name(doc_a, names), _pair_name(doc_b, names)
        if name_a is None or name_b is None:
            continue
        if (name_a, name_b) in pairs:
            detections.append(PanCase(name_a, a_start, a_end, name_b, b_start, b_end))
        if (name_b, name_a) in pairs:
            detections.append(PanCase(name_b, b_start, b_end, name_a, a_start, a_end))
    return detections


def read_passages(out_dir: Path) -> pa.Table:
    """Read the alignment columns of ``out_dir/passages.parquet``.

    Raises:
        InputError: the file is missing, unreadable, or lacks a needed column.
    """
    path = out_dir / "passages.parquet"
    if not path.is_file():
        raise InputError(str(path), "", "not found; run `textreuse run ... --out` first")
    try:
        schema = pq.read_schema(path)
        missing = [c for c in _PASSAGE_COLUMNS if c not in schema.names]
        if missing:
            raise InputError(str(path), "", f"missing column(s) {', '.join(missing)}")
        return pq.read_table(path, columns=list(_PASSAGE_COLUMNS))
    except (OSError, pa.ArrowException) as exc:
        raise InputError(str(path), "", f"cannot read passages: {exc}") from exc


def read_document_ids(out_dir: Path) -> list[str]:
    """The ``doc_id`` column of ``out_dir/documents.parquet``.

    Raises:
        InputError: the file is missing, unreadable, or has no ``doc_id`` column.
    """
    path = out_dir / "documents.parquet"
    if not path.is_file():
        raise InputError(str(path), "", "not found; run `textreuse run ... --out` first")
    try:
        return [str(v) for v in pq.read_table(path, columns=["doc_id"]).column(0).to_pylist()]
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise InputError(str(path), "", f"cannot read documents: {exc}") from exc


def read_unread_documents(out_dir: Path, doc_ids: Iterable[str]) -> dict[str, str]:
    """Those of ``doc_ids`` whose status in ``out_dir/documents.parquet`` is not
    ``ok`` (rejected or empty), with that status, in id order.

    Raises:
        InputError: the file is missing, unreadable, or lacks a column.
    """
    path = out_dir / "documents.parquet"
    if not path.is_file():
        raise InputError(str(path), "", "not found; run `textreuse run ... --out` first")
    try:
        table = pq.read_table(path, columns=["doc_id", "status"])
    except (OSError, pa.ArrowException, KeyError) as exc:
        raise InputError(str(path), "", f"cannot read documents: {exc}") from exc
    wanted = set(doc_ids)
    statuses = zip(
        table.column("doc_id").to_pylist(), table.column("status").to_pylist(), strict=True
    )
    return dict(sorted((d, s) for d, s in statuses if d in wanted and s != "ok"))


def check_pair_documents(pairs: set[Pair], doc_ids: Sequence[str], out_dir: Path) -> None:
    """Refuse to score a run that lacks documents of the pairs list.

    Their cases would silently count as missed, so a run over the wrong or a partial
    corpus would get a plausible-looking low score. Names match run ids as in
    :func:`detections_from_passages`: exactly, or by a unique basename.

    Raises:
        InputError: naming how many listed documents are missing, with examples.
    """
    ids = set(doc_ids)
    by_base = basename_index(ids)
    names = sorted({name for pair in pairs for name in pair})
    missing = [name for name in names if resolve_id(name, ids, by_base) is None]
    if missing:
        examples = ", ".join(repr(name) for name in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise InputError(
            str(out_dir / "documents.parquet"),
            "",
            f"{len(missing)} of the {len(names)} documents in the pairs list are not in "
            f"this run ({examples}{more}); was it run on the PAN corpus?",
        )


def evaluate_pan(truth_dir: Path, out_dir: Path, pairs_file: Path | None = None) -> PanScores:
    """Score ``out_dir/passages.parquet`` against PAN truth in ``truth_dir``.

    See :func:`read_pan_truth` for how the pairs list is found and
    :func:`detections_from_passages` for how passages become detections.

    Raises:
        InputError: bad truth or pairs files, missing run files, or documents of the
            pairs list that are not in the run (see :func:`check_pair_documents`).
    """
    out_dir = Path(out_dir)
    cases, pairs = read_pan_truth(Path(truth_dir), Path(pairs_file) if pairs_file else None)
    doc_ids = read_document_ids(out_dir)
    check_pair_documents(pairs, doc_ids, out_dir)
    detections = detections_from_passages(read_passages(out_dir), pairs)
    scores = score_pan(cases, detections, pairs=len(pairs))
    ids = set(doc_ids)
    by_base = basename_index(ids)
    listed = {resolve_id(name, ids, by_base) for pair in pairs for name in pair}
    unread = read_unread_documents(out_dir, (d for d in listed if d is not None))
    return replace(scores, unread=unread)
