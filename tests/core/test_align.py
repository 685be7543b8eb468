"""Tests for textreuse.core.align: passages, exact offsets, edits and parameters."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textreuse.core.align import AlignParams, Passage, PreparedText, align, chain_seeds, find_seeds
from textreuse.core.tokenize import tokenize
from textreuse.core.word_diff import word_edits
from textreuse.errors import ConfigError

# --- fixtures: original news-like sentences -------------------------------------

UNRELATED_A = [
    "The city council voted on Tuesday to extend the opening hours of the public library "
    "branches through the summer months.",
    "Farmers in the southern valley reported that a late frost had damaged nearly half of "
    "the early apricot crop.",
    "A spokesman for the regional hospital declined to comment on the staffing dispute, "
    "saying talks with the nurses' union were continuing.",
]
UNRELATED_B = [
    "Heavy rain closed two lanes of the coastal highway for most of the morning, according "
    "to the state transport agency.",
    "The maritime museum said its new wing would open to visitors in the first week of March "
    "after three years of building work.",
    "Tickets for the autumn concert series sold out within an hour, and organisers are "
    "considering a second evening performance.",
]

PARAGRAPH = (
    "Investigators from the aviation safety board said on Wednesday that the cargo plane's "
    "left engine had shown signs of metal fatigue months before the crash, and that "
    "maintenance records for the aircraft were incomplete."
)

SPUN_A = (
    "William J. Burns, director of the CIA, flew to Moscow on November 2 to confront Russia "
    "with the information, and on November 17, American intelligence officials shared "
    "their findings with NATO."
)
SPUN_B = (
    "William J. Burns, the CIA director, had flown to Moscow on November 2 to confront the "
    "Russians with the same information, and on November 17 American intelligence officials "
    "shared their findings with NATO."
)

SENT_A = (
    "The regional water authority announced on Monday that it would spend four hundred "
    "million dollars over the next decade replacing lead pipes in older neighbourhoods."
)
SENT_B = (
    "Officials at the national weather service warned that a slow moving storm system could "
    "bring more than ten inches of rain to low lying coastal towns before the weekend."
)
SENT_C = (
    "Shares in the largest domestic airline fell sharply after the company cut its profit "
    "forecast, citing higher fuel costs, a shortage of pilots and weak demand for business travel."
)


def _slices(p: Passage, a: str, b: str) -> tuple[str, str]:
    return a[p.a_start : p.a_end], b[p.b_start : p.b_end]


def _swapped(p: Passage) -> tuple[int, int, int, int]:
    return (p.b_start, p.b_end, p.a_start, p.a_end)


def _spans(passages: list[Passage]) -> set[tuple[int, int, int, int]]:
    return {(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages}


def _check_passage(p: Passage, a: str, b: str, params: AlignParams | None = None) -> None:
    """Invariants every passage must satisfy."""
    params = params or AlignParams()
    assert 0 <= p.a_start < p.a_end <= len(a)
    assert 0 <= p.b_start < p.b_end <= len(b)
    assert 0.0 <= p.score <= 1.0
    assert p.matches + p.substitutions + p.deletions == p.a_words
    assert p.matches + p.substitutions + p.insertions == p.b_words
    assert min(p.a_words, p.b_words) >= params.min_words
    assert p.score == pytest.approx(2 * p.matches / (p.a_words + p.b_words), abs=1e-6)
    slice_a, slice_b = _slices(p, a, b)
    # the character span holds exactly the passage's words
    assert len(tokenize(slice_a)) == p.a_words
    assert len(tokenize(slice_b)) == p.b_words
    assert (p.matches, p.substitutions, p.insertions, p.deletions) == word_edits(
        tokenize(slice_a).words, tokenize(slice_b).words
    )


def _check_all(passages: list[Passage], a: str, b: str, params: AlignParams | None = None) -> None:
    for p in passages:
        _check_passage(p, a, b, params)
    assert passages == sorted(passages, key=lambda p: (p.a_start, p.b_start))
    for side in ("a", "b"):  # each stretch of text in at most one passage of the pair
        spans = sorted((getattr(p, f"{side}_start"), getattr(p, f"{side}_end")) for p in passages)
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans)), side


def test_passages_of_a_pair_never_share_text() -> None:
    """Found by Hypothesis: two 3-word passages shared the word "the" in b."""
    a, b = "the strike the talks the the the", "the the the strike the"
    params = AlignParams(ngram=2, min_seeds=1, min_words=3)
    passages = align(a, b, params)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages] == [(0, 14, 8, 22)]
    _check_all(passages, a, b, params)


# --- verbatim copies --------------------------------------------------------------


def test_verbatim_paragraph_found_with_exact_offsets() -> None:
    a = " ".join([UNRELATED_A[0], UNRELATED_A[1], PARAGRAPH, UNRELATED_A[2]])
    b = "\n\n".join([UNRELATED_B[0], PARAGRAPH, UNRELATED_B[1], UNRELATED_B[2]])
    passages = align(a, b)
    assert len(passages) == 1
    p = passages[0]
    assert (p.a_start, p.a_end) == (a.index(PARAGRAPH), a.index(PARAGRAPH) + len(PARAGRAPH))
    assert (p.b_start, p.b_end) == (b.index(PARAGRAPH), b.index(PARAGRAPH) + len(PARAGRAPH))
    assert _slices(p, a, b) == (PARAGRAPH, PARAGRAPH)
    assert p.score == 1.0
    n_words = len(tokenize(PARAGRAPH))
    assert p.matches == p.a_words == p.b_words == n_words
    assert p.substitutions == p.insertions == p.deletions == 0
    _check_all(passages, a, b)


def test_verbatim_copy_with_different_case_and_line_breaks() -> None:
    rewrapped = PARAGRAPH.upper().replace(" the ", "\r\nthe ")
    a = UNRELATED_A[0] + " " + PARAGRAPH
    b = rewrapped + "\n\n" + UNRELATED_B[0]
    passages = align(a, b)
    assert len(passages) == 1
    p = passages[0]
    assert _slices(p, a, b) == (PARAGRAPH, rewrapped)
    assert p.score == 1.0
    _check_all(passages, a, b)


def test_identical_texts_align_completely() -> None:
    text = " ".join(UNRELATED_A)
    passages = align(text, text)
    assert [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages] == [
        (0, len(text), 0, len(text))
    ]
    assert passages[0].score == 1.0


# --- rewritten sentence ------------------------------------------------------------


def _spun_texts() -> tuple[str, str]:
    a = " ".join([UNRELATED_A[0], SPUN_A, UNRELATED_A[1]])
    b = " ".join([UNRELATED_B[0], SPUN_B, UNRELATED_B[1]])
    return a, b


def test_spun_sentence_found_and_bounded_by_sentence() -> None:
    a, b = _spun_texts()
    passages = align(a, b)
    assert len(passages) == 1
    p = passages[0]
    # covers the whole sentence on both sides and nothing of its neighbours
    assert _slices(p, a, b) == (SPUN_A, SPUN_B)
    assert 0.6 <= p.score < 1.0
    assert p.substitutions + p.insertions + p.deletions > 0
    _check_all(passages, a, b)


def test_spun_sentence_symmetric_spans() -> None:
    a, b = _spun_texts()
    forward, backward = align(a, b), align(b, a)
    assert {_swapped(p) for p in backward} == _spans(forward)


def test_spun_sentence_symmetric_score() -> None:
    a, b = _spun_texts()
    (forward,) = align(a, b)
    (backward,) = align(b, a)
    assert forward.matches == backward.matches
    assert forward.score == backward.score


# --- reordered passages -------------------------------------------------------------


@pytest.mark.parametrize("sep", [" ", "\n\n"])
@pytest.mark.parametrize("order", ["CAB", "CBA", "BCA"])
def test_reordered_sentences_each_found(sep: str, order: str) -> None:
    sentences = {"A": SENT_A, "B": SENT_B, "C": SENT_C}
    a = sep.join(sentences[k] for k in "ABC")
    b = sep.join(sentences[k] for k in order)
    passages = align(a, b)
    _check_all(passages, a, b)
    for sentence in sentences.values():
        covering = [
            p
            for p in passages
            if sentence in a[p.a_start : p.a_end] and sentence in b[p.b_start : p.b_end]
        ]
        assert len(covering) == 1, sentence[:30]
    for p in passages:
        # moved text is copied verbatim: each passage is the same text on both sides
        slice_a, slice_b = _slices(p, a, b)
        assert tokenize(slice_a).words == tokenize(slice_b).words
        assert p.score == 1.0
    assert sum(p.matches for p in passages) == len(tokenize(a))
    backward = align(b, a)
    assert {_swapped(p) for p in backward} == _spans(passages)


def test_reordered_with_unrelated_filler() -> None:
    a = "\n\n".join([SENT_A, UNRELATED_A[1], SENT_B, UNRELATED_A[2], SENT_C])
    b = "\n\n".join([SENT_C, UNRELATED_B[0], SENT_A, UNRELATED_B[2], SENT_B])
    passages = align(a, b)
    _check_all(passages, a, b)
    assert sorted(_slices(p, a, b) for p in passages) == sorted(
        (s, s) for s in (SENT_A, SENT_B, SENT_C)
    )


@pytest.mark.parametrize("sep", [" ", "\n\n"])
def test_exact_extension_stops_at_sentence_end(sep: str) -> None:
    # The neighbouring sentences differ but happen to share their last / first word.
    a = sep.join(["The council met in private on Friday.", PARAGRAPH, "Officials declined."])
    b = sep.join(["No date was set before Friday.", PARAGRAPH, "Officials were unavailable."])
    passages = align(a, b)
    assert len(passages) == 1
    assert _slices(passages[0], a, b) == (PARAGRAPH, PARAGRAPH)


# --- edit counts ------------------------------------------------------------------------


def test_known_substitutions_counted() -> None:
    original = (
        "The central bank raised its main interest rate by half a percentage point on "
        "Thursday, the largest increase in more than two decades, as policymakers tried to "
        "slow inflation that has reached its highest level since the early nineties."
    )
    edited = (
        original.replace("raised", "lifted")
        .replace("largest", "biggest")
        .replace("policymakers", "officials")
    )
    a = UNRELATED_A[0] + " " + original
    b = edited + " " + UNRELATED_B[2]
    passages = align(a, b)
    assert len(passages) == 1
    p = passages[0]
    n = len(tokenize(original))
    assert _slices(p, a, b) == (original, edited)
    assert (p.matches, p.substitutions, p.insertions, p.deletions) == (n - 3, 3, 0, 0)
    assert p.a_words == p.b_words == n
    assert p.score == pytest.approx((n - 3) / n, abs=1e-6)
    _check_all(passages, a, b)


def test_known_insertions_and_deletions_counted() -> None:
    original = (
        "Rescue teams searched through the rubble of the collapsed apartment block for a "
        "third day on Saturday, while engineers checked neighbouring buildings for damage "
        "caused by the explosion."
    )
    edited = original.replace("for a third day", "for a third straight day").replace(
        "neighbouring buildings for damage", "neighbouring buildings for structural damage"
    )
    edited = edited.replace("apartment block", "block")
    a = original + " " + UNRELATED_A[1]
    b = UNRELATED_B[1] + " " + edited
    (p,) = align(a, b)
    assert _slices(p, a, b) == (original, edited)
    n = len(tokenize(original))
    assert (p.matches, p.substitutions, p.insertions, p.deletions) == (n - 1, 0, 2, 1)
    _check_all([p], a, b)


# --- no reuse ------------------------------------------------------------------------------


def test_unrelated_texts_give_no_passages() -> None:
    assert align(" ".join(UNRELATED_A), " ".join(UNRELATED_B)) == []
    assert align(SENT_A + " " + SENT_B, SENT_C) == []


@pytest.mark.parametrize(("a", "b"), [("", ""), ("", PARAGRAPH), (PARAGRAPH, ""), ("...", "!!")])
def test_empty_texts(a: str, b: str) -> None:
    assert align(a, b) == []


def test_short_stock_phrase_is_not_a_passage() -> None:
    phrase = "said in a statement released late on Tuesday evening"  # 9 words
    a = (
        "The mining company " + phrase + " that it would close two of its oldest pits and "
        "cut about six hundred jobs over the coming year."
    )
    b = (
        "A lawyer for the former mayor " + phrase + " that her client would appeal the "
        "verdict and had never accepted money from property developers."
    )
    assert align(a, b) == []
    # the phrase itself is detectable: with a low enough minimum it is reported
    found = align(a, b, AlignParams(min_words=5))
    assert len(found) == 1
    slice_a, slice_b = _slices(found[0], a, b)
    assert phrase in slice_a
    assert phrase in slice_b
    _check_all(found, a, b, AlignParams(min_words=5))


def test_min_words_threshold_is_on_the_shorter_side() -> None:
    a = UNRELATED_A[0] + " " + PARAGRAPH
    b = PARAGRAPH + " " + UNRELATED_B[0]
    n = len(tokenize(PARAGRAPH))
    assert len(align(a, b, AlignParams(min_words=n))) == 1
    assert align(a, b, AlignParams(min_words=n + 1)) == []


def test_repeated_boilerplate_paired_once() -> None:
    boiler = (
        "This article was produced with support from the regional press fund, which has no "
        "say over its content or the choice of subjects covered by our reporters."
    )
    a = " ".join([UNRELATED_A[0], boiler, UNRELATED_A[1], boiler])
    b = " ".join([UNRELATED_B[0], boiler])
    passages = align(a, b)
    _check_all(passages, a, b)
    assert len(passages) == 1
    assert _slices(passages[0], a, b) == (boiler, boiler)


def _crafted_pairs() -> list[tuple[str, str]]:
    sentences = (SENT_A, SENT_B, SENT_C)
    return [
        (" ".join([UNRELATED_A[0], PARAGRAPH]), "\n\n".join([UNRELATED_B[1], PARAGRAPH])),
        _spun_texts(),
        (" ".join(sentences), " ".join([SENT_C, SENT_A, SENT_B])),
        (
            "\n\n".join([SENT_A, UNRELATED_A[1], SENT_B]),
            "\n\n".join([SENT_B, UNRELATED_B[0], SENT_A.replace("Monday", "Tuesday")]),
        ),
        (" ".join(UNRELATED_A), " ".join(UNRELATED_B)),
    ]


@pytest.mark.parametrize("pair_index", range(5))
def test_symmetry_on_crafted_pairs(pair_index: int) -> None:
    a, b = _crafted_pairs()[pair_index]
    forward, backward = align(a, b), align(b, a)
    _check_all(forward, a, b)
    _check_all(backward, b, a)
    assert {_swapped(p) for p in backward} == _spans(forward)
    if pair_index < 4:
        assert forward


# --- property test -----------------------------------------------------------------------

_VOCAB = [
    "the",
    "minister",
    "said",
    "on",
    "monday",
    "that",
    "talks",
    "would",
    "resume",
    "in",
    "geneva",
    "and",
    "officials",
    "were",
    "hopeful",
]
_PUNCT = ["", "", "", ",", ".", ". ", "\n\n", "\r\n", '"']


@st.composite
def _vocab_text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_VOCAB), max_size=120))
    out = []
    for w in words:
        if draw(st.booleans()):
            w = w.capitalize()
        out.append(w + draw(st.sampled_from(_PUNCT)))
    return " ".join(out)


@st.composite
def _related_pair(draw: st.DrawFn) -> tuple[str, str]:
    a = draw(_vocab_text())
    shared = draw(_vocab_text())
    b = draw(_vocab_text())
    c = draw(_vocab_text())
    return a + " " + shared + " " + b, c + " " + shared


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    _related_pair(),
    st.sampled_from(
        [
            AlignParams(),
            AlignParams(ngram=2, min_words=3, min_seeds=1),
            AlignParams(ngram=3, min_words=5, max_gap=0, max_drift=0),
            AlignParams(ngram=1, min_words=1, min_seeds=1, snap_similarity=0.0),
            AlignParams(ngram=3, sentence_similarity=0.3),
        ]
    ),
)
def test_passage_invariants_on_random_texts(pair: tuple[str, str], params: AlignParams) -> None:
    a, b = pair
    passages = align(a, b, params)
    _check_all(passages, a, b, params)
    backward = align(b, a, params)
    _check_all(backward, b, a, params)


# --- heavily rewritten sentences (sentence_similarity) -----------------------------------------

SOURCE_SENTENCES = (
    "The harbour authority confirmed on Tuesday that the evening ferry between Port Alden "
    "and the island of Merrow will stop running next month.",
    "Passenger numbers fell for a third consecutive winter, and the operator warned that "
    "fuel costs had doubled since the contract was signed.",
    "Local councillors said they would ask the regional government to fund a replacement "
    "service before the summer tourist season begins.",
)
SPUN_SENTENCES = (  # 40-50% of the words changed: a few seeds, no chain of 15 words
    "Port bosses announced Tuesday the night ferry linking Port Alden and the island of "
    "Merrow is to stop sailing next month.",
    "Travellers declined over a third winter running while the company cautioned that fuel "
    "costs had doubled since it signed the deal.",
    "Area councillors will lobby the regional government to fund a new service for the "
    "tourist season.",
)
FILLER = (
    "The town's library reopened after a long renovation, with a new reading room for "
    "children and longer hours on Saturdays."
)
OTHER_FILLER = (
    "A local bakery won the regional bread competition for the second year in a row, "
    "beating forty other entries from across the county."
)
SENTENCES = AlignParams(sentence_similarity=0.5)


def _covered(passages: list[Passage], start: int, end: int) -> float:
    """Share of ``[start, end)`` of the second text covered by the passages."""
    covered = sum(max(0, min(end, p.b_end) - max(start, p.b_start)) for p in passages)
    return covered / (end - start)


@pytest.mark.parametrize("full_stops", [True, False])
def test_heavily_rewritten_sentences_found_with_sentence_similarity(full_stops: bool) -> None:
    source = FILLER + " " + " ".join(SOURCE_SENTENCES)
    spun = " ".join(SPUN_SENTENCES) if full_stops else " ".join(SPUN_SENTENCES).replace(".", "")
    copy = OTHER_FILLER + " " + spun + " " + OTHER_FILLER
    start = copy.index(spun)
    assert _covered(align(source, copy), start, start + len(spun)) < 0.5
    found = align(source, copy, SENTENCES)
    assert _covered(found, start, start + len(spun)) > 0.9
    # never into the unrelated text around the copy, except that without full stops
    # the end of the last sentence is a guess (its length in the source)
    slack = 0 if full_stops else len(" A local bakery")
    for passage in found:
        assert start <= passage.b_start and passage.b_end <= start + len(spun) + slack
        assert passage.a_start > len(FILLER)


def test_rewritten_sentences_found_in_another_order() -> None:
    source = " ".join(SOURCE_SENTENCES)
    copy = " ".join(SPUN_SENTENCES[::-1])
    assert align(source, copy) == []
    found = align(source, copy, SENTENCES)
    assert len(found) == 3
    assert _covered(found, 0, len(copy)) > 0.9


def test_a_stock_phrase_in_unlike_sentences_is_no_passage() -> None:
    a = (
        "The notes are rated A-1 by Moody's and A by Standard and Poor's, the lead "
        "underwriter said on Monday in a statement from its New York office."
    )
    b = (
        "Analysts expect the new fund to trade at a discount once it lists, as rated "
        "by Standard and Poor's in a report that investors received last week."
    )
    assert align(a, b, AlignParams(min_seeds=1, min_words=5)) != []  # the seeds are there
    assert align(a, b, AlignParams(sentence_similarity=0.5, min_seeds=1)) == []


def test_a_rewritten_sentence_still_needs_min_seeds() -> None:
    source, copy = SOURCE_SENTENCES[2], SPUN_SENTENCES[2]  # three seeds in one 6-word run
    assert align(source, copy) == []
    assert align(source, copy, dataclasses.replace(SENTENCES, min_seeds=4)) == []
    (passage,) = align(source, copy, SENTENCES)
    assert (passage.b_start, passage.b_end) == (0, len(copy))


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ngram", 0),
        ("min_seeds", 0),
        ("min_words", 0),
        ("max_seed_repeats", 0),
        ("max_gap", -1),
        ("max_drift", -1),
        ("snap_words", -1),
        ("snap_similarity", -0.1),
        ("snap_similarity", 1.5),
        ("snap_similarity", float("nan")),
        ("sentence_similarity", 1.5),
        ("sentence_similarity", -0.5),
        ("sentence_similarity", True),
    ],
)
def test_align_params_reject_bad_values(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=field):
        AlignParams(**{field: value})


def test_align_params_accept_edge_values() -> None:
    params = AlignParams(
        ngram=1,
        min_seeds=1,
        min_words=1,
        max_gap=0,
        max_drift=0,
        snap_words=0,
        snap_similarity=1.0,
        max_seed_repeats=1,
    )
    assert params.snap_similarity == 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.ngram = 5  # type: ignore[misc]


@pytest.mark.parametrize(("field", "value"), [("ngram", 2.5), ("min_words", "10")])
def test_align_params_reject_wrong_types(field: str, value: object) -> None:
    with pytest.raises(ConfigError, match=field):
        AlignParams(**{field: value})


# --- keeping each stretch of text in one passage -----------------------------


def _one_to_one_by_scanning(regions: list[Any], min_words: int) -> list[Any]:
    """The plain definition of ``_one_to_one``: every kept span checked, in the order
    kept, for every region (quadratic; the engine finds the spans by bisection)."""
    from textreuse.core.align import _Region

    kept: list[Any] = []
    taken_a: list[tuple[int, int]] = []
    taken_b: list[tuple[int, int]] = []
    for region in sorted(regions, key=lambda r: (-(r.a1 - r.a0 + r.b1 - r.b0), r.a0, r.b0)):
        if any(
            min(high, end) - max(low, start) > (high - low) / 2
            for low, high, taken in (
                (region.a0, region.a1, taken_a),
                (region.b0, region.b1, taken_b),
            )
            for start, end in taken
        ):
            continue
        a0, a1, b0, b1 = region.a0, region.a1, region.b0, region.b1
        cut_out = False
        for spans, in_a in ((taken_a, True), (taken_b, False)):
            for start, end in spans:
                low, high = (a0, a1) if in_a else (b0, b1)
                if end <= low or start >= high:
                    continue
                if start <= low:
                    a0, b0 = a0 + end - low, b0 + end - low
                elif end >= high:
                    a1, b1 = a1 - (high - start), b1 - (high - start)
                else:
                    cut_out = True
                    break
                if a0 >= a1 or b0 >= b1:
                    cut_out = True
                    break
            if cut_out:
                break
        if cut_out or min(a1 - a0, b1 - b0) < min_words:
            continue
        kept.append(_Region(a0, a1, b0, b1, region.seeds))
        taken_a.append((a0, a1))
        taken_b.append((b0, b1))
    return kept


_REGION_SHAPES = st.tuples(
    st.integers(0, 300), st.integers(1, 60), st.integers(0, 300), st.integers(-8, 8)
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_REGION_SHAPES, max_size=40), st.integers(1, 20))
def test_one_to_one_keeps_what_checking_every_kept_span_keeps(
    shapes: list[tuple[int, int, int, int]], min_words: int
) -> None:
    """Overlapping and repeated regions (text repeated inside a document, moved
    paragraphs): the bisecting bookkeeping keeps exactly the passages, cut the same
    way, as checking every kept span would."""
    from textreuse.core.align import _one_to_one, _Region

    regions = [
        _Region(a0, a0 + length, b0, b0 + max(1, length + stretch), 1)
        for a0, length, b0, stretch in shapes
    ]
    kept = _one_to_one(regions, min_words)
    assert kept == _one_to_one_by_scanning(regions, min_words)
    for taken in ([(r.a0, r.a1) for r in kept], [(r.b0, r.b1) for r in kept]):
        ordered = sorted(taken)
        assert all(end <= start for (_, end), (start, _) in itertools.pairwise(ordered))


def test_one_to_one_meets_taken_spans_in_the_order_they_were_taken() -> None:
    """A region holding two taken spans back to back: the one taken first lies inside
    it, so the region is dropped, whichever of the two comes first in the text."""
    from textreuse.core.align import _one_to_one, _Region

    inside_first = _Region(50, 60, 300, 502, 1)  # the longest: taken first
    at_start = _Region(0, 50, 600, 761, 1)
    holding_both = _Region(0, 100, 900, 1000, 1)
    regions = [holding_both, at_start, inside_first]
    assert _one_to_one(regions, 5) == [inside_first, at_start]
    assert _one_to_one_by_scanning(regions, 5) == [inside_first, at_start]


# --- word matching of long passages -------------------------------------------


# --- seeds and chains against their plain definitions ------------------------


def _plain_chains(
    seeds: list[tuple[int, int]], ngram: int, max_gap: int, max_drift: int
) -> list[list[tuple[int, int]]]:
    """Greedy chaining as defined: each seed joins the active chain it continues at
    the least cost (drift * 4 + distance; the first such chain on a tie), else starts
    one; a chain stays active while the seeds are within reach of its last seed."""
    reach = ngram + max_gap
    chains: list[list[tuple[int, int]]] = []
    for i, j in seeds:
        best, best_cost = None, 0
        for chain in chains:
            last_i, last_j = chain[-1]
            if i - last_i > reach or i <= last_i or j <= last_j or j - last_j > reach:
                continue
            drift = abs((j - i) - (last_j - last_i))
            cost = drift * 4 + (i - last_i)
            if drift <= max_drift and (best is None or cost < best_cost):
                best, best_cost = chain, cost
        if best is None:
            chains.append([(i, j)])
        else:
            best.append((i, j))
    return chains


_seed_sets = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 60)), unique=True, max_size=80
).map(sorted)


@settings(max_examples=400, deadline=None)
@given(_seed_sets, st.integers(1, 5), st.integers(0, 6), st.integers(0, 4))
def test_chain_seeds_is_the_greedy_definition(
    seeds: list[tuple[int, int]], ngram: int, max_gap: int, max_drift: int
) -> None:
    # a seed right after a chain's last one is joined to it without looking at the
    # other chains: the result must not change
    assert chain_seeds(seeds, ngram, max_gap, max_drift) == _plain_chains(
        seeds, ngram, max_gap, max_drift
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abcdef"), max_size=40),
    st.lists(st.sampled_from("abcdef"), max_size=40),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_find_seeds_lists_every_shared_ngram_position(
    words_a: list[str], words_b: list[str], ngram: int, max_repeats: int
) -> None:
    a, b = PreparedText(" ".join(words_a), ngram), PreparedText(" ".join(words_b), ngram)
    grams_a = [tuple(words_a[k : k + ngram]) for k in range(len(words_a) - ngram + 1)]
    grams_b = [tuple(words_b[k : k + ngram]) for k in range(len(words_b) - ngram + 1)]
    expected = sorted(
        (i, j)
        for i, gram in enumerate(grams_a)
        for j, other in enumerate(grams_b)
        if gram == other
        and grams_a.count(gram) <= max_repeats
        and grams_b.count(gram) <= max_repeats
    )
    assert find_seeds(a.gram_index, b.gram_index, max_repeats) == expected
