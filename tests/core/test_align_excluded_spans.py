"""Excluded character spans (boilerplate): never seeded, crossed, grown or snapped into."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.core.align import AlignParams, PreparedText, align_prepared
from textreuse.core.fingerprint import grams_touching, ngram_hashes, word_hashes
from textreuse.core.tokenize import tokenize, tokens_in_spans
from textreuse.stages.fingerprint import fingerprint_batch

STORY = (
    "The harbour authority confirmed on Tuesday that the evening ferry between Port Alden "
    "and the island of Merrow will stop running at the end of next month, after passenger "
    "numbers fell for a third consecutive winter."
)
MORE = (
    "Council officials said they were studying whether a smaller vessel could run the route "
    "at lower cost, and promised a public meeting before any timetable is changed."
)
TEMPLATE = "Share this story with your friends and family on every social network you use"


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def span_of(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def test_tokens_in_spans_and_grams_touching() -> None:
    tokens = tokenize("aa bb cc dd ee")
    blocked = tokens_in_spans(tokens.starts, tokens.ends, [4, 12], [5, 13])
    assert blocked.tolist() == [False, True, False, False, True]
    assert grams_touching(blocked, 2).tolist() == [True, True, False, True]
    assert grams_touching(blocked, 6).tolist() == []


def test_shared_template_between_texts_is_never_a_passage() -> None:
    a = f"{STORY}\n{TEMPLATE}\n{MORE}"
    b = f"An intro line of the second site.\n{STORY}\n{TEMPLATE}\n{MORE}"
    spans_a, spans_b = [span_of(a, TEMPLATE)], [span_of(b, TEMPLATE)]
    params = AlignParams()
    plain = align_prepared(PreparedText(a, 4), PreparedText(b, 4), params)
    assert any(overlaps(p.a_start, p.a_end, spans_a) for p in plain), "the test needs the link"
    found = align_prepared(
        PreparedText(a, 4, spans=spans_a), PreparedText(b, 4, spans=spans_b), params
    )
    assert len(found) == 2, found  # the story and the rest, on either side of the template
    for p in found:
        assert not overlaps(p.a_start, p.a_end, spans_a)
        assert not overlaps(p.b_start, p.b_end, spans_b)
    assert {a[p.a_start : p.a_end] for p in found} == {STORY, MORE}


def test_spans_on_one_side_only_still_cut_the_passage() -> None:
    a = f"{STORY} {TEMPLATE}. {MORE}"
    b = a
    spans_a = [span_of(a, TEMPLATE)]
    found = align_prepared(PreparedText(a, 4, spans=spans_a), PreparedText(b, 4), AlignParams())
    assert found
    for p in found:
        assert not overlaps(p.a_start, p.a_end, spans_a)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_no_passage_overlaps_random_spans(data: st.DataObject) -> None:
    a = f"{STORY}\n\n{TEMPLATE}\n\n{MORE}"
    b = f"{MORE}\n\n{STORY}\n\n{TEMPLATE}"
    cuts = sorted(data.draw(st.lists(st.integers(0, len(a)), min_size=2, max_size=6)))
    spans_a = [(s, e) for s, e in zip(cuts[::2], cuts[1::2], strict=False) if e > s]
    merged: list[tuple[int, int]] = []
    for s, e in spans_a:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    found = align_prepared(
        PreparedText(a, 4, spans=merged), PreparedText(b, 4), AlignParams(min_words=5)
    )
    for p in found:
        assert not overlaps(p.a_start, p.a_end, merged), (p, merged)


def test_fingerprint_leaves_out_ngrams_touching_spans() -> None:
    text = f"{STORY}\n{TEMPLATE}\n"
    start, end = span_of(text, TEMPLATE)
    batch = pa.record_batch(
        {
            "doc_key": pa.array([0, 1], pa.int32()),
            "text": [text, text],
            "bp_starts": pa.array([[start], None], pa.list_(pa.int64())),
            "bp_ends": pa.array([[end + 1], None], pa.list_(pa.int64())),
        }
    )
    postings, words = fingerprint_batch(4, batch)
    keys = np.asarray(postings.column("doc_key"))
    hashes = np.asarray(postings.column("h"))
    story_grams = set(ngram_hashes(word_hashes(tokenize(STORY).words), 4).tolist())
    template_grams = set(ngram_hashes(word_hashes(tokenize(TEMPLATE).words), 4).tolist())
    assert set(hashes[keys == 0].tolist()) == story_grams
    assert set(hashes[keys == 1].tolist()) >= story_grams | template_grams
    assert words.column("n_words").to_pylist() == [len(tokenize(text))] * 2


def test_fingerprint_batch_is_row_by_row() -> None:
    # rows with and without boilerplate, empty and short ones, in one batch: each
    # row's postings are its own distinct n-grams, in row order, sorted by hash
    text = f"{STORY}\n{TEMPLATE}\n"
    start, end = span_of(text, TEMPLATE)
    texts = [STORY, "", text, "two words", TEMPLATE, text]
    spans = [None, None, [(start, end + 1)], None, None, [(0, 5)]]
    batch = pa.record_batch(
        {
            "doc_key": pa.array([7, 3, 5, 9, 1, 2], pa.int32()),
            "text": texts,
            "bp_starts": pa.array(
                [[s for s, _ in x] if x else None for x in spans], pa.list_(pa.int64())
            ),
            "bp_ends": pa.array(
                [[e for _, e in x] if x else None for x in spans], pa.list_(pa.int64())
            ),
        }
    )
    postings, words = fingerprint_batch(4, batch)
    expected_keys: list[int] = []
    expected_hashes: list[int] = []
    for key, row_text, row_spans in zip([7, 3, 5, 9, 1, 2], texts, spans, strict=True):
        tokens = tokenize(row_text)
        grams = ngram_hashes(word_hashes(tokens.words), 4)
        if row_spans:
            blocked = tokens_in_spans(
                tokens.starts, tokens.ends, [s for s, _ in row_spans], [e for _, e in row_spans]
            )
            grams = grams[~grams_touching(blocked, 4)]
        distinct = np.unique(grams).tolist()
        expected_keys += [key] * len(distinct)
        expected_hashes += distinct
    assert postings.column("doc_key").to_pylist() == expected_keys
    assert postings.column("h").to_pylist() == expected_hashes
    assert words.column("n_words").to_pylist() == [len(tokenize(t)) for t in texts]
