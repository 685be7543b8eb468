"""Span merging, coverage and removal; invariants of every detector's spans."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from textreuse.boilerplate import covers_text, find_boilerplate, merge_spans, remove_spans
from textreuse.boilerplate.spans import block_end

spans_strategy = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 60)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=30,
)

# Lines drawn from furniture, names, bios and prose, joined by assorted breaks.
_LINES = [
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Check Also",
    "About Ellen Lewandowski",
    "Jackson Wintringham",
    '"Coffee aficionado nerd. Troublemaker. Gamer."',
    "Share this:",
    "Advertisement",
    "By Ana Ruiz",
    "© 2024 Gazette",
    "The council approved the plan on Thursday after a long debate.",
    "share on sales of 40.8 mln dlrs.",
    "",
    "   ",
    "Related Posts",
]
texts_strategy = st.lists(
    st.one_of(st.sampled_from(_LINES), st.text(max_size=40)), max_size=25
).flatmap(
    lambda lines: st.lists(
        st.sampled_from(["\n", "\n\n", "\r\n", " \n"]), min_size=len(lines), max_size=len(lines)
    ).map(lambda breaks: "".join(line + br for line, br in zip(lines, breaks, strict=True)))
)


@given(spans_strategy)
def test_merge_is_sorted_disjoint_and_covers_the_same_positions(
    spans: list[tuple[int, int]],
) -> None:
    merged = merge_spans(spans)
    for (_, e0), (s1, _) in itertools.pairwise(merged):
        assert e0 < s1, merged  # disjoint and not touching
    assert all(s < e for s, e in merged)
    before = {i for s, e in spans for i in range(s, e)}
    after = {i for s, e in merged for i in range(s, e)}
    assert before == after
    assert merge_spans(merged) == merged


@given(texts_strategy)
def test_found_spans_are_in_bounds_sorted_and_disjoint(text: str) -> None:
    spans = find_boilerplate(text)
    previous_end = 0
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= previous_end
        assert span.start == 0 or text[span.start - 1] == "\n"
        previous_end = span.end
    merged = merge_spans((s.start, s.end) for s in spans)
    assert all(0 <= s < e <= len(text) for s, e in merged)


@given(st.text(max_size=80), spans_strategy)
def test_remove_spans_keeps_everything_outside(text: str, spans: list[tuple[int, int]]) -> None:
    outside = "".join(ch for i, ch in enumerate(text) if not any(s <= i < e for s, e in spans))
    assert remove_spans(text, spans) == outside


def test_merge_joins_touching_and_drops_empty() -> None:
    assert merge_spans([(5, 9), (0, 5), (9, 9), (12, 20), (14, 15)]) == [(0, 9), (12, 20)]
    assert merge_spans([]) == []


def test_covers_text() -> None:
    text = "  one\n\ntwo  \n"
    assert covers_text(text, [(0, 7), (7, len(text))])
    assert covers_text(text, [(2, 5), (7, 10)])
    assert not covers_text(text, [(2, 5)])
    assert not covers_text(text, [])
    assert not covers_text("   ", [(0, 3)]), "a blank text is empty, not boilerplate"


def test_block_end_takes_blank_lines() -> None:
    text = "one\n\n  \ntwo\nthree"
    assert block_end(text, 3) == text.index("two")
    assert block_end(text, text.index("two") + 3) == text.index("three")
    assert block_end(text, len(text)) == len(text)
    assert block_end("last line\n\n", 9) == len("last line\n\n")
