"""Character spans of boilerplate: line blocks, merging, coverage and removal.

A span is ``(start, end)``, character offsets into the text, end exclusive.
Every detector in this package reports *line blocks*: a span starts at the
beginning of a line and ends where the next non-blank line begins (or at the
end of the text), so it takes the line's break and any blank lines after it.
Two boilerplate lines in a row therefore give touching spans, and merging
them needs no access to the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One stretch of boilerplate and why it was cut (shown by ``textreuse clean --show``)."""

    start: int
    end: int
    reason: str = ""


def block_end(text: str, line_end: int) -> int:
    """Where the next non-blank line after ``line_end`` begins, or ``len(text)``.

    ``line_end`` is a position on a line (usually its end); the result is the
    start of the first later line holding a non-space character.
    """
    newline = text.find("\n", line_end)
    if newline < 0:
        return len(text)
    found = _NON_SPACE.search(text, newline)
    if found is None:
        return len(text)
    return text.rfind("\n", newline, found.start()) + 1


def line_start(text: str, pos: int) -> int:
    """Start of the line holding ``pos``."""
    return text.rfind("\n", 0, pos) + 1


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans covering exactly the union of ``spans``.

    Overlapping and touching spans are joined; empty spans are dropped.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covers_text(text: str, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether every non-space character of ``text`` lies inside a span.

    A text with no non-space character is never covered (it is empty, not boilerplate).
    """
    cursor = 0
    covered_any = False
    for start, end in merge_spans(spans):
        if _NON_SPACE.search(text, cursor, max(cursor, start)):
            return False
        covered_any = covered_any or bool(_NON_SPACE.search(text, start, end))
        cursor = max(cursor, end)
    return covered_any and _NON_SPACE.search(text, cursor) is None


def remove_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` without the characters inside ``spans``."""
    parts = []
    cursor = 0
    for start, end in merge_spans(spans):
        start, end = max(0, start), min(len(text), end)
        if start > cursor:
            parts.append(text[cursor:start])
        cursor = max(cursor, end)
    parts.append(text[cursor:])
    return "".join(parts)
