"""Word-level differences: exact and piecewise common subsequences."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.core import word_diff as core
from textreuse.core.word_diff import word_edits, word_opcodes


def test_an_edit_script_pairs_unmatched_words_as_substitutions() -> None:
    a = ["flew", "to", "moscow", "on", "november", "2"]
    b = ["had", "flown", "to", "moscow", "on", "november", "2"]
    assert word_opcodes(a, b) == [
        ("replace", 0, 1, 0, 1),
        ("insert", 1, 1, 1, 2),
        ("equal", 1, 6, 2, 7),
    ]
    assert word_edits(a, b) == (5, 1, 1, 0)
    assert word_edits(b, a) == (5, 1, 0, 1)


_WORD_LISTS = st.lists(st.sampled_from("abcdefghij"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_WORD_LISTS, _WORD_LISTS)
def test_long_passages_are_matched_piecewise_as_a_common_subsequence(
    words_a: list[str], words_b: list[str]
) -> None:
    """Past DIRECT_LCS_CELLS the lists are cut at words found once in each: the runs
    are still in order, match equal words, and never overlap."""
    exact = core.matching_blocks(words_a, words_b)
    limit = core.DIRECT_LCS_CELLS
    core.DIRECT_LCS_CELLS = 4
    try:
        pieces = core.matching_blocks(words_a, words_b)
    finally:
        core.DIRECT_LCS_CELLS = limit
    for blocks in (exact, pieces):
        end_a = end_b = 0
        for a, b, size in blocks:
            assert size > 0 and a >= end_a and b >= end_b
            assert words_a[a : a + size] == words_b[b : b + size]
            end_a, end_b = a + size, b + size
    assert sum(size for _, _, size in pieces) <= sum(size for _, _, size in exact)


def test_a_long_lightly_edited_passage_keeps_every_match() -> None:
    """Two 30,000-word texts, one with a word in 50 changed (over the direct limit):
    matched piecewise, the counts are those of one exact alignment."""
    rng = random.Random(7)
    vocabulary = [f"w{k}" for k in range(3000)]
    words_a = [rng.choice(vocabulary) for _ in range(30_000)]
    words_b = [w if rng.random() > 0.02 else "changed" for w in words_a]
    assert len(words_a) * len(words_b) > core.DIRECT_LCS_CELLS
    matches, substitutions, insertions, deletions = word_edits(words_a, words_b)
    changed = sum(1 for a, b in zip(words_a, words_b, strict=True) if a != b)
    assert (matches, substitutions, insertions, deletions) == (30_000 - changed, changed, 0, 0)
