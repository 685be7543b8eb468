"""How a copy was rewritten: rewrite rate, substituted phrases, changed clause order.

Pure functions over two passage texts, the *source* span and the *copy* span.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse.core.tokenize import Tokens, tokenize
from textreuse.core.word_diff import Opcode, word_opcodes

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
    return rewrite_profiles(source, copy)[0]


def rewrite_profiles(a: str, b: str) -> tuple[RewriteProfile, RewriteProfile]:
    """Both orientations from one word alignment: ``b`` as a rewrite of ``a``,
    and ``a`` as a rewrite of ``b`` (the same substitutions, each pair swapped)."""
    return rewrite_profiles_of_tokens(a, tokenize(a), b, tokenize(b))


def rewrite_profiles_of_tokens(
    a: str, a_tokens: Tokens, b: str, b_tokens: Tokens, opcodes: list[Opcode] | None = None
) -> tuple[RewriteProfile, RewriteProfile]:
    """:func:`rewrite_profiles` for spans already tokenised: ``a_tokens`` are the
    tokens of the span, with offsets into ``a`` (which may be the whole text).
    ``opcodes``: their words' edit script, when already computed."""
    a_words, b_words = a_tokens.words, b_tokens.words
    if a_words == b_words:
        same = _profile(len(a_words), len(b_words), 0, ())
        return same, same
    if opcodes is None:
        opcodes = word_opcodes(a_words, b_words)
    matched = 0
    gaps: list[list[int]] = []  # [a0, a1, b0, b1] of each run between matched words
    current: list[int] | None = None
    for tag, a0, a1, b0, b1 in opcodes:  # the unmatched steps of a run are adjacent
        if tag == "equal":
            matched += a1 - a0
            current = None
        elif current is None:
            current = [a0, a1, b0, b1]
            gaps.append(current)
        else:
            current[1], current[3] = a1, b1
    unmatched_a: Counter[str] = Counter()
    unmatched_b: Counter[str] = Counter()
    for a0, a1, b0, b1 in gaps:
        unmatched_a.update(a_words[a0:a1])
        unmatched_b.update(b_words[b0:b1])
    substitutions: list[tuple[str, str]] = []
    for a0, a1, b0, b1 in gaps:
        if a0 == a1 or b0 == b1:
            continue
        kept_a = [i for i in range(a0, a1) if a_words[i] not in unmatched_b]
        kept_b = [j for j in range(b0, b1) if b_words[j] not in unmatched_a]
        if kept_a and kept_b:
            substitutions.append(
                (
                    _phrase(a, a_tokens.starts, a_tokens.ends, kept_a),
                    _phrase(b, b_tokens.starts, b_tokens.ends, kept_b),
                )
            )
    # words found unmatched on both sides were moved, not changed
    moved = sum((unmatched_a & unmatched_b).values())
    swapped = tuple((new, old) for old, new in substitutions)
    return (
        _profile(matched, len(b_words), moved, tuple(substitutions)),
        _profile(matched, len(a_words), moved, swapped),
    )


def _profile(
    matched: int, copy_words: int, moved: int, substitutions: tuple[tuple[str, str], ...]
) -> RewriteProfile:
    rate = 1.0 - matched / copy_words if copy_words else 0.0
    reordered = moved >= MIN_MOVED_WORDS and moved >= MIN_MOVED_SHARE * max(copy_words, 1)
    return RewriteProfile(
        rewrite_rate=round(rate, 6),
        substitutions=substitutions,
        reordered=reordered,
        moved_words=moved,
    )


def _phrase(text: str, starts: IntArray, ends: IntArray, tokens: list[int]) -> str:
    """The text from the first to the last of ``tokens`` as written, spacing collapsed."""
    return " ".join(text[int(starts[tokens[0]]) : int(ends[tokens[-1]])].split())
