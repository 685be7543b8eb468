"""Tests for textreuse.compare: the two-text API, its score and its options."""

from __future__ import annotations

import dataclasses
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textreuse
from textreuse.compare import Comparison
from textreuse.core.align import AlignParams, Passage, align
from textreuse.core.rewrite import RewriteProfile
from textreuse.core.tokenize import tokenize
from textreuse.errors import ConfigError

STORY = (
    "The national rail operator said on Friday that it would cancel about a third of its "
    "regional services next week because of a strike by signal workers, who are demanding "
    "higher pay and changes to overnight shift patterns. Union leaders said further "
    "walkouts were likely if talks failed."
)
QUOTE = (
    "Negotiators for both sides met for six hours on Thursday without reaching an agreement, "
    "and the transport minister urged them to return to the table before the holiday weekend."
)
OTHER_A = (
    "A rare white stork has been spotted nesting on a church tower in the village for the "
    "first time in forty years, to the delight of local birdwatchers."
)
OTHER_B = (
    "The technology company reported record quarterly revenue, driven by strong sales of its "
    "cloud software to hospitals and universities in Europe and Asia."
)
STOCK = "said in a statement released late on Tuesday evening"  # 9 words


def _n(text: str) -> int:
    return len(tokenize(text))


def test_compare_is_exported() -> None:
    # the package attribute is the function, not the submodule of the same name
    assert textreuse.compare is sys.modules["textreuse.compare"].compare
    assert isinstance(textreuse.compare(STORY, STORY), Comparison)


def test_identical_texts_score_one() -> None:
    assert _n(STORY) >= 30
    result = textreuse.compare(STORY, STORY)
    assert result.score == 1.0
    assert result.words_a == result.words_b == _n(STORY)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (0, len(STORY), 0, len(STORY))


def test_unrelated_texts_score_zero() -> None:
    result = textreuse.compare(STORY, OTHER_A + " " + OTHER_B)
    assert result.passage_score == 0.0
    assert result.score < 0.2  # only function words ("the", "of") are shared
    assert result.passages == ()
    assert result.words_a == _n(STORY)
    assert result.words_b == _n(OTHER_A) + _n(OTHER_B)


def test_empty_texts() -> None:
    result = textreuse.compare("", "")
    # identical (empty) texts score 1; a text against nothing scores 0
    assert (result.score, result.passages, result.words_a, result.words_b) == (1.0, (), 0, 0)
    assert textreuse.compare(STORY, "").score == 0.0


def test_chinese_spun_copy_scores_far_above_unrelated_text() -> None:
    source = "美国中央情报局局长威廉·伯恩斯十一月二日飞往莫斯科，就军队集结一事与俄方当面对质。"
    spun = "十一月二日，中情局局长威廉·伯恩斯曾飞抵莫斯科，就部队集结一事与俄方对质。"
    unrelated = "昨天下午，市政府召开新闻发布会，介绍了今年的城市交通建设计划。"
    result = textreuse.compare(source, spun)
    assert len(result.passages) == 1 and result.score > 0.6
    assert textreuse.compare(source, unrelated).score < 0.2


def test_hindi_spun_sentence_found_within_its_sentence() -> None:
    """Hindi words keep their vowel signs and viramas, and the danda ends a sentence,
    so a sentence with one word swapped is one passage bounded by that sentence."""
    shared = (
        "शिक्षा मंत्री ने कहा कि इस नीति से {} को बेहतर अवसर मिलेंगे और शिक्षकों को नया प्रशिक्षण दिया जाएगा"
    )
    a = f"सरकार ने कहा कि नई नीति अगले वर्ष लागू होगी। {shared.format('छात्रों')}। विपक्ष ने आलोचना की।"
    b = f"मौसम विभाग ने कहा कि बारिश होगी। {shared.format('विद्यार्थियों')}। किसान खुश हैं।"
    result = textreuse.compare(a, b)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert a[p.a_start : p.a_end] == shared.format("छात्रों")
    assert b[p.b_start : p.b_end] == shared.format("विद्यार्थियों")
    assert (p.matches, p.substitutions) == (19, 1)


def test_partial_reuse_score() -> None:
    a = OTHER_A + " " + QUOTE
    b = QUOTE + "\n\n" + STORY
    result = textreuse.compare(a, b)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert a[p.a_start : p.a_end] == b[p.b_start : p.b_end] == QUOTE
    expected = 2 * _n(QUOTE) / (_n(a) + _n(b))
    assert result.passage_score == pytest.approx(expected, abs=1e-6)
    assert 0.0 < result.score < 1.0
    assert result.passages == tuple(align(a, b))


def test_score_counts_all_passages() -> None:
    a = " ".join([QUOTE, OTHER_A, STORY])
    b = " ".join([STORY, OTHER_B, QUOTE])
    result = textreuse.compare(a, b)
    assert len(result.passages) == 2
    matched = sum(p.matches for p in result.passages)
    assert matched == _n(QUOTE) + _n(STORY)
    assert result.passage_score == pytest.approx(2 * matched / (_n(a) + _n(b)), abs=1e-6)


def test_to_dict_round_trips() -> None:
    a = OTHER_A + " " + QUOTE
    b = QUOTE.replace("six hours", "seven hours") + " " + OTHER_B
    result = textreuse.compare(a, b)
    data = result.to_dict()
    assert set(data) == {
        "score",
        "passage_score",
        "lexical",
        "semantic",
        "words_a",
        "words_b",
        "passages",
    }
    decoded = json.loads(json.dumps(data))
    assert decoded["score"] == result.score
    assert (decoded["words_a"], decoded["words_b"]) == (result.words_a, result.words_b)
    assert len(decoded["passages"]) == len(result.passages) == 1
    fields = {f.name for f in dataclasses.fields(Passage)}
    rebuilt = Comparison(
        score=decoded["score"],
        passages=tuple(
            Passage(**{k: v for k, v in p.items() if k in fields}) for p in decoded["passages"]
        ),
        words_a=decoded["words_a"],
        words_b=decoded["words_b"],
        rewrites=tuple(
            RewriteProfile(
                rewrite_rate=p["rewrite"]["rewrite_rate"],
                substitutions=tuple(tuple(pair) for pair in p["rewrite"]["substitutions"]),
                reordered=p["rewrite"]["reordered"],
                moved_words=r.moved_words,
            )
            for p, r in zip(decoded["passages"], result.rewrites, strict=True)
        ),
        passage_score=decoded["passage_score"],
        lexical=decoded["lexical"],
        semantic=decoded["semantic"],
    )
    assert rebuilt == result
    passage = decoded["passages"][0]
    assert set(passage) == fields | {"rewrite"}
    assert passage["rewrite"]["substitutions"] == [["six", "seven"]]
    assert a[passage["a_start"] : passage["a_end"]] == QUOTE
    assert passage["substitutions"] == 1


def _stock_texts() -> tuple[str, str]:
    a = (
        "The mining company " + STOCK + " that it would close two of its oldest pits and "
        "cut about six hundred jobs over the coming year."
    )
    b = (
        "A lawyer for the former mayor " + STOCK + " that her client would appeal the "
        "verdict and had never accepted money from property developers."
    )
    return a, b


def test_min_words_option_is_honoured() -> None:
    a, b = _stock_texts()
    assert textreuse.compare(a, b).passages == ()
    result = textreuse.compare(a, b, min_words=5)
    assert len(result.passages) == 1
    p = result.passages[0]
    assert STOCK in a[p.a_start : p.a_end]
    assert STOCK in b[p.b_start : p.b_end]
    assert result.score > 0.0


def test_params_object_is_honoured() -> None:
    a, b = _stock_texts()
    assert len(textreuse.compare(a, b, AlignParams(min_words=5)).passages) == 1
    assert textreuse.compare(a, b, AlignParams(min_words=5, ngram=12)).passages == ()


def test_ngram_option_is_honoured() -> None:
    # a copy with a substitution every fourth word has no shared 4-gram, but shared bigrams
    words = STORY.split()
    edited = " ".join(w if i % 4 else "xx" for i, w in enumerate(words))
    assert textreuse.compare(STORY, edited).passages == ()
    assert textreuse.compare(STORY, edited, ngram=2, min_seeds=2).passages != ()


def test_bad_option_value_raises_config_error() -> None:
    with pytest.raises(ConfigError, match="min_words"):
        textreuse.compare(STORY, STORY, min_words=0)
    with pytest.raises(ConfigError, match="snap_similarity"):
        textreuse.compare(STORY, STORY, snap_similarity=2.0)


def test_unknown_option_raises() -> None:
    with pytest.raises(ConfigError, match=r"unknown option\(s\): min_word"):
        textreuse.compare(STORY, STORY, min_word=5)


@pytest.mark.parametrize("value", [None, b"bytes", 3])
def test_texts_that_are_not_strings_are_refused(value: object) -> None:
    with pytest.raises(TypeError, match=f"b is {type(value).__name__}"):
        textreuse.compare(STORY, value)  # type: ignore[arg-type]


def test_options_override_params_object() -> None:
    a, b = _stock_texts()
    result = textreuse.compare(a, b, AlignParams(), min_words=5)
    assert len(result.passages) == 1


_VOCAB = ["the", "strike", "talks", "union", "said", "on", "friday", "rail", "pay", "would"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_VOCAB), max_size=80),
    st.lists(st.sampled_from(_VOCAB), max_size=80),
    st.lists(st.sampled_from(_VOCAB), max_size=40),
)
def test_score_in_unit_interval(left: list[str], right: list[str], shared: list[str]) -> None:
    a = " ".join(left + shared)
    b = " ".join(shared + right)
    result = textreuse.compare(a, b, min_words=3, min_seeds=1, ngram=2)
    assert 0.0 <= result.score <= 1.0
    assert result.words_a == len(left) + len(shared)
    assert result.words_b == len(shared) + len(right)
    matched = sum(p.matches for p in result.passages)
    assert matched <= min(result.words_a, result.words_b)
    if result.words_a + result.words_b:
        assert result.passage_score == pytest.approx(
            2 * matched / (result.words_a + result.words_b), abs=1e-6
        )
