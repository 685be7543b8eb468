"""Tests for textreuse.core.similarity: the sentence-level lexical similarity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import textreuse
from textreuse.core.similarity import lexical_similarity, normalize_number, similarity

_LEFT = ["harbour", "ferry", "island", "winter", "council", "petition", "timetable", "crossing"]
_RIGHT = ["orchard", "chess", "apples", "tournament", "bishop", "harvest", "cider", "grandmaster"]
_SHARED = _LEFT + _RIGHT + ["the", "of", "a", "said", "2003", "1,000", "running", "ran"]

sentences = st.lists(st.sampled_from(_SHARED), max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(sentences, sentences)
def test_symmetric_and_in_unit_interval(a: str, b: str) -> None:
    forward, backward = lexical_similarity(a, b), lexical_similarity(b, a)
    assert forward == backward
    assert 0.0 <= forward <= 1.0


@settings(max_examples=100, deadline=None)
@given(sentences)
def test_identical_texts_score_one(a: str) -> None:
    assert lexical_similarity(a, a) == 1.0
    assert lexical_similarity(a, a.upper()) == 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(_LEFT), min_size=1, max_size=20),
    st.lists(st.sampled_from(_RIGHT), min_size=1, max_size=20),
)
def test_disjoint_vocabulary_scores_zero(left: list[str], right: list[str]) -> None:
    assert lexical_similarity(" ".join(left), " ".join(right)) == 0.0


def test_empty_texts() -> None:
    assert lexical_similarity("", "") == 1.0
    assert lexical_similarity("...", "") == 1.0  # no words on either side
    assert lexical_similarity("The ferry sank.", "") == 0.0


def test_stemming_variants_match() -> None:
    a = "The minister accused the union of deliberately delaying the talks."
    b = "The minister accuses the unions of deliberately delayed talks."
    parts = similarity(a, b)
    assert parts.coverage_a == parts.coverage_b == 1.0
    assert parts.score > lexical_similarity(a, "The minister praised the union for the talks.")


def test_spelling_variants_match_softly() -> None:
    parts = similarity("The organisation said", "The organization said")
    assert 0.9 < parts.coverage_a < 1.0
    assert lexical_similarity("the organisation said", "the committee said") < parts.score


def test_numbers_are_normalised() -> None:
    assert normalize_number("1,000") == "1000"
    assert normalize_number("2.50") == "2.5"
    assert normalize_number("3.0") == "3"
    assert (
        lexical_similarity(
            "Sales rose 2.50 percent to 1,000 units", "sales rose 2.5 percent to 1000 units"
        )
        == 1.0
    )


def test_mismatched_numbers_lower_the_score() -> None:
    a = "Shares of the company fell 3 percent to $ 41 on Tuesday."
    same = "On Tuesday the company's shares fell 3 percent to $ 41."
    other = "On Tuesday the company's shares fell 5 percent to $ 38."
    assert lexical_similarity(a, other) < lexical_similarity(a, same)
    parts = similarity(a, other)
    assert parts.numbers < 1.0


def test_extra_clause_lowers_the_score() -> None:
    a = "The bank raised its main interest rate on Thursday."
    paraphrase = "On Thursday the bank increased its main interest rate."
    longer = (
        "The bank raised its main interest rate on Thursday, and said it expected "
        "unemployment to climb above eight percent next year."
    )
    assert lexical_similarity(a, longer) < lexical_similarity(a, paraphrase)


def test_compare_score_uses_similarity_for_short_texts() -> None:
    a = "Amrozi accused his brother, whom he called the witness, of distorting his evidence."
    b = (
        "Referring to him as only the witness, Amrozi accused his brother of "
        "distorting his evidence."
    )
    result = textreuse.compare(a, b)
    assert result.passages == () and result.passage_score == 0.0
    assert result.lexical == round(lexical_similarity(a, b), 6)
    assert result.score == result.lexical
    assert result.semantic is None
    unrelated = textreuse.compare(a, "The orchard's cider harvest was early this year.")
    assert unrelated.score < 0.2 < result.score


@settings(max_examples=50, deadline=None)
@given(sentences, sentences)
def test_compare_score_symmetric_one_for_identical(a: str, b: str) -> None:
    forward, backward = textreuse.compare(a, b), textreuse.compare(b, a)
    assert forward.score == backward.score
    assert 0.0 <= forward.score <= 1.0
    assert textreuse.compare(a, a).score == 1.0
