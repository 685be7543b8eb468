"""Rewrite profiles: rate, substituted phrases and clause order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textreuse.core.rewrite import rewrite_profile
from textreuse.core.tokenize import tokenize
from textreuse.core.word_diff import word_edits

BURNS_SOURCE = (
    "William J. Burns, director of the CIA, flew to Moscow on November 2 to confront Russia "
    "with the information, and on November 17, American intelligence officials shared their "
    "findings with NATO."
)
BURNS_COPY = (
    "William J. Burns, the CIA director, had flown to Moscow on November 2 to confront the "
    "Russians with the same information, and on November 17 American intelligence officials "
    "shared their findings with NATO."
)


def test_spun_sentence_substitutions_are_phrases() -> None:
    profile = rewrite_profile(BURNS_SOURCE, BURNS_COPY)
    assert ("flew", "had flown") in profile.substitutions
    assert ("Russia", "the Russians") in profile.substitutions
    # "director" only moved: it is not reported as substituted
    assert all("director" not in pair[1] for pair in profile.substitutions)
    assert not profile.reordered


def test_rewrite_rate_counts_unmatched_copy_words() -> None:
    profile = rewrite_profile(BURNS_SOURCE, BURNS_COPY)
    copy_words = tokenize(BURNS_COPY).words
    matches = word_edits(tokenize(BURNS_SOURCE).words, copy_words)[0]
    assert len(copy_words) == 33
    assert profile.rewrite_rate == round(1 - matches / len(copy_words), 6)
    # unmatched copy words: director (moved), had, flown, the, Russians, same
    assert len(copy_words) - matches == 6


def test_identical_spans_have_no_rewriting() -> None:
    profile = rewrite_profile(BURNS_SOURCE, BURNS_SOURCE)
    assert profile.rewrite_rate == 0.0
    assert profile.substitutions == ()
    assert not profile.reordered
    assert profile.moved_words == 0


def test_swapped_clauses_are_reordered() -> None:
    source = (
        "The mayor said the budget would rise sharply, and the council agreed on Monday "
        "after a long debate."
    )
    copy = (
        "The council agreed on Monday after a long debate, and the mayor said the budget "
        "would rise sharply."
    )
    profile = rewrite_profile(source, copy)
    assert profile.reordered
    assert profile.moved_words >= 3
    assert profile.substitutions == ()


def test_pure_insertion_is_not_a_substitution() -> None:
    profile = rewrite_profile(
        "Officials shared their findings with NATO.",
        "Officials quietly shared their findings with NATO.",
    )
    assert profile.substitutions == ()
    assert abs(profile.rewrite_rate - 1 / 7) < 1e-6


@given(st.text(max_size=200), st.text(max_size=200))
def test_rate_in_unit_interval_and_phrases_come_from_the_texts(a: str, b: str) -> None:
    profile = rewrite_profile(a, b)
    assert 0.0 <= profile.rewrite_rate <= 1.0
    assert profile.moved_words >= 0
    for source_phrase, copy_phrase in profile.substitutions:
        assert source_phrase and copy_phrase
        assert " ".join(source_phrase.split()) in " ".join(a.split())
        assert " ".join(copy_phrase.split()) in " ".join(b.split())
