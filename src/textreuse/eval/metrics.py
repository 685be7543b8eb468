"""Small pure helpers shared by the evaluators: interval unions, ROC-AUC, id matching."""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping, Sequence
from pathlib import PurePosixPath


def union_length(intervals: Iterable[tuple[int, int]]) -> int:
    """Number of positions covered by the union of half-open ``[start, end)`` intervals.

    Empty or reversed intervals (``end <= start``) cover nothing.
    """
    spans = sorted((start, end) for start, end in intervals if end > start)
    total = 0
    cur_start: int | None = None
    cur_end = 0
    for start, end in spans:
        if cur_start is None or start > cur_end:
            if cur_start is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        elif end > cur_end:
            cur_end = end
    if cur_start is not None:
        total += cur_end - cur_start
    return total


def clip(interval: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    """The part of ``interval`` inside ``[lo, hi)``; empty (start == end) if none."""
    start = max(interval[0], lo)
    end = min(interval[1], hi)
    return (start, end) if end > start else (start, start)


def roc_auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    """Area under the ROC curve: P(score_pos > score_neg) + ½·P(tie) (Mann–Whitney U).

    Higher scores are taken to mean "more likely positive". Runs in O(n log n).

    Raises:
        ValueError: if either group is empty or a score is NaN.
    """
    if not pos or not neg:
        raise ValueError("roc_auc needs at least one positive and one negative score")
    scored = [(float(s), True) for s in pos] + [(float(s), False) for s in neg]
    if any(math.isnan(s) for s, _ in scored):
        raise ValueError("roc_auc got a NaN score")
    scored.sort(key=lambda item: item[0])
    # Sum of (1-based, tie-averaged) ranks of the positives.
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j + 1 < len(scored) and scored[j + 1][0] == scored[i][0]:
            j += 1
        mean_rank = (i + j) / 2 + 1
        rank_sum += mean_rank * sum(1 for k in range(i, j + 1) if scored[k][1])
        i = j + 1
    n_pos, n_neg = len(pos), len(neg)
    u = rank_sum - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def basename_index(doc_ids: Iterable[str]) -> dict[str, str | None]:
    """Map each id's last path component to the id; ``None`` where that name is ambiguous."""
    index: dict[str, str | None] = {}
    for doc_id in doc_ids:
        name = PurePosixPath(doc_id).name
        index[name] = None if name in index and index[name] != doc_id else doc_id
    return index


def resolve_id(name: str, ids: Container[str], by_basename: Mapping[str, str | None]) -> str | None:
    """Find ``name`` among run document ids: exact match, else a unique id with that basename.

    This lets ``pan13/susp/suspicious-document00005.txt`` (a run on the parent folder) match
    ``suspicious-document00005.txt`` (the name used by truth files and label sheets).
    """
    if name in ids:
        return name
    return by_basename.get(PurePosixPath(name).name)
