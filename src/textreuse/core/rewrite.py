"""How a copy was rewritten: rewrite rate, substituted phrases, changed clause order.

Pure functions over two passage texts, the *source* span and the *copy* span.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse.core.align import word_opcodes
from textreuse.core.tokenize import tokenize

IntArray = npt.NDArray[np.int32]

#: Fewest moved words (present in both spans but outside the common
#: subsequence) that count as a change of clause order.
MIN_MOVED_WORDS = 3
#: ... and the least share of the copy's words they must make up.
MIN_MOVED_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class RewriteProfile:
    """The rewriting that turned a source span into a copy span."""

    rewrite_rate: float
    """Share of the copy's words that are not matched to the source, in [0, 1]."""
    substitutions: tuple[tuple[str, str], ...]
    """Substituted phrases ``(source phrase, copy phrase)``, in copy order."""
    reordered: bool
    """Whether clauses or phrases appear in a different order."""
    moved_words: int
    """Words present in both spans but outside their common subsequence."""


def rewrite_profile(source: str, copy: str) -> RewriteProfile:
    """Compare a source span with its copy, word by word (case-insensitive).

    Substitutions are the gaps between matched words that are non-empty on
    both sides; words that were merely moved (found unmatched on the other
    side too, like "director" in "director of the CIA" / "the CIA director")
    are left out of the substituted phrases.
    """
    source_tokens = tokenize(source)
    copy_tokens = tokenize(copy)
    source_words, copy_words = source_tokens.words, copy_tokens.words
    matched = 0
    gaps: list[tuple[list[int], list[int]]] = []
    for tag, a0, a1, b0, b1 in word_opcodes(source_words, copy_words):
        if tag == "equal":
            matched += a1 - a0
            gaps.append(([], []))
        else:
            if not gaps:
                gaps.append(([], []))
            gaps[-1][0].extend(range(a0, a1))
            gaps[-1][1].extend(range(b0, b1))
    unmatched_source = Counter(source_words[i] for gap in gaps for i in gap[0])
    unmatched_copy = Counter(copy_words[j] for gap in gaps for j in gap[1])
    substitutions: list[tuple[str, str]] = []
    for source_gap, copy_gap in gaps:
        if not source_gap or not copy_gap:
            continue
        kept_source = [i for i in source_gap if not unmatched_copy[source_words[i]]]
        kept_copy = [j for j in copy_gap if not unmatched_source[copy_words[j]]]
        if kept_source and kept_copy:
            substitutions.append(
                (
                    _phrase(source, source_tokens.starts, source_tokens.ends, kept_source),
                    _phrase(copy, copy_tokens.starts, copy_tokens.ends, kept_copy),
                )
            )
    shared = sum((Counter(source_words) & Counter(copy_words)).values())
    moved = shared - matched
    rate = 1.0 - matched / len(copy_words) if copy_words else 0.0
    reordered = moved >= MIN_MOVED_WORDS and moved >= MIN_MOVED_SHARE * max(len(copy_words), 1)
    return RewriteProfile(
        rewrite_rate=round(rate, 6),
        substitutions=tuple(substitutions),
        reordered=reordered,
        moved_words=moved,
    )


def _phrase(text: str, starts: IntArray, ends: IntArray, tokens: list[int]) -> str:
    """The text from the first to the last of ``tokens`` as written, spacing collapsed."""
    return " ".join(text[int(starts[tokens[0]]) : int(ends[tokens[-1]])].split())
