"""Known page furniture: pattern lines, the page tail and the author block."""

from __future__ import annotations

import re

import pytest

from textreuse.boilerplate import PATTERNS, Span, find_boilerplate
from textreuse.boilerplate.patterns import _compiled
from textreuse.errors import ConfigError

BODY = (
    "The county council approved a new cycle lane along Station Road on Thursday, after two "
    "years of consultation and a petition signed by more than three thousand residents. Work "
    "will begin in the spring and is expected to take four months.\n\n"
    "Shopkeepers on the road were divided. Some said the lane would bring more customers on "
    "bikes, while others worried about losing the parking spaces outside their doors, which "
    "the council says will be moved to a new bay behind the library.\n\n"
    "The cycling campaign that organised the petition said it would keep pressing for a "
    "second lane linking the railway station to the hospital, which it called the most "
    "dangerous junction in the town."
)

WORDPRESS_TAIL = (
    "\n\nMarcus Feldane\n\n"
    '"Hardcore music evangelist. Lifelong tv fan. Social media scholar. Explorer. Thinker."\n\n'
    "Leave a Reply Cancel reply\n\n"
    "Your email address will not be published. Required fields are marked *\n\n"
    "Comment *\nName *\nEmail *\nWebsite\n\n"
    "Save my name, email, and website in this browser for the next time I comment.\n\n"
    "Post Comment\n"
)

CHECK_ALSO_TAIL = (
    "\n\nAbout Dana Whitlock\n\n"
    "Check Also\n\n"
    "Flood defences on the east bank will be raised by a metre, engineers say\n\n"
    "Engineers working on the river wall said on Monday the new barrier would be the …\n"
)

JETPACK_TAIL = (
    "\n\nShare this:\n\nFacebook\nTwitter\nEmail\n\nLike this:\n\nLoading...\n\n"
    "Related\n\n"
    "Council votes to keep the night bus running until midnight\n"
    'In "Local News"\n'
)

AUTHOR_SENTENCE_TAIL = (
    "\n\nAbout the Author\n\n"
    "Rosa Idowu\n\n"
    "Rosa Idowu is a transport reporter who has covered the county for ten years.\n"
)


def cut(text: str, spans: list[Span]) -> str:
    return "".join(text[s.start : s.end] for s in spans)


def kept(text: str, spans: list[Span]) -> str:
    out, cursor = [], 0
    for span in spans:
        out.append(text[cursor : span.start])
        cursor = span.end
    return "".join(out) + text[cursor:]


def assert_well_formed(text: str, spans: list[Span]) -> None:
    previous_end = 0
    for span in spans:
        assert 0 <= span.start < span.end <= len(text), span
        assert span.start >= previous_end, spans
        assert span.start == 0 or text[span.start - 1] == "\n", span
        assert span.reason
        previous_end = span.end


@pytest.mark.parametrize(
    "tail", [WORDPRESS_TAIL, CHECK_ALSO_TAIL, JETPACK_TAIL, AUTHOR_SENTENCE_TAIL]
)
def test_page_tail_is_cut_and_body_kept(tail: str) -> None:
    text = BODY + tail
    spans = find_boilerplate(text)
    assert_well_formed(text, spans)
    assert kept(text, spans).strip() == BODY.strip()
    assert spans[-1].end == len(text)


def test_wordpress_tail_reasons() -> None:
    text = BODY + WORDPRESS_TAIL
    spans = find_boilerplate(text)
    assert [s.reason for s in spans] == ["author bio", "comment form and all after it"]
    assert text[spans[0].start :].startswith("Marcus Feldane")


def test_about_author_box_starts_the_tail() -> None:
    text = BODY + CHECK_ALSO_TAIL
    (span,) = find_boilerplate(text)
    assert text[span.start :].startswith("About Dana Whitlock")
    assert span.reason == "author bio and all after it"


def test_bio_without_marker_at_the_end_is_cut() -> None:
    text = BODY + "\n\nMarcus Feldane\n\nAmateur baker. Coffee lover. Unapologetic reader.\n"
    (span,) = find_boilerplate(text)
    assert text[span.start :].startswith("Marcus Feldane")


def test_name_alone_at_the_end_is_kept() -> None:
    text = BODY + "\n\nMarcus Feldane\n"
    assert find_boilerplate(text) == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Skip to content", "navigation"),
        ("Home » News » Local", "navigation"),
        ("Published March 3, 2022 by Ana Ruiz", "navigation"),
        ("Posted on 2022-03-03 at 10:15 am", "navigation"),
        ("Tags: council, cycling, transport", "navigation"),
        ("By Ana Ruiz", "byline"),
        ("By Ana Ruiz, Staff Writer", "byline"),
        ("Advertisement", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Read more: Council votes to keep the night bus", "related links"),
        ("We use cookies to improve your experience. Accept all cookies?", "cookie notice"),
        ("Subscribe to our free daily newsletter", "subscribe prompt"),
        ("Follow us on Twitter and Instagram", "subscribe prompt"),
        ("Facebook Twitter WhatsApp Email", "share prompt"),
        ("© 2024 The Station Road Gazette. All rights reserved.", "copyright"),
        ("Copyright 2021 Gazette Media", "copyright"),
        ("Privacy Policy | Terms of Use | Contact Us", "site links"),
    ],
)
def test_furniture_line_anywhere(line: str, reason: str) -> None:
    paragraphs = BODY.split("\n\n")
    text = f"{paragraphs[0]}\n\n{line}\n\n{paragraphs[1]}\n\n{paragraphs[2]}"
    spans = find_boilerplate(text)
    assert [(text[s.start : s.end].strip(), s.reason) for s in spans] == [(line, reason)]


@pytest.mark.parametrize(
    "line",
    [
        "Leave a Reply",
        "Related Posts",
        "You May Also Like",
        "Check Also",
        "Share this:",
        "About the Author",
        "3 thoughts on “Council approves cycle lane”",
    ],
)
def test_end_markers_near_the_top_are_single_lines(line: str) -> None:
    """An end marker in the first quarter of the text cuts its own line only."""
    text = f"{line}\n\n{BODY}"
    spans = find_boilerplate(text)
    assert len(spans) == 1
    assert text[spans[0].start : spans[0].end].strip() == line
    assert kept(text, spans) == BODY


@pytest.mark.parametrize(
    "prose",
    [
        # sentences that mention the words of patterns without being furniture
        "Readers can leave a reply on the council website until Friday, officials said.",
        "He said the share on sales of 3.6 billion dlrs was in line with forecasts.",
        "Related stories appeared in three other papers the same week, the editor said.",
        "By Tuesday the road was open again.",
        "Share prices rose 3 percent in early trading.",
        "Comments are closed for the holidays at the town hall, said a spokesman.",
    ],
)
def test_prose_is_never_furniture(prose: str) -> None:
    text = f"{BODY}\n\n{prose}\n\n{BODY}"
    assert find_boilerplate(text) == []


def test_hard_wrapped_prose_is_never_cut() -> None:
    """Lines of a hard-wrapped paragraph that happen to look like furniture are kept."""
    text = (
        "The bank said its profit rose sharply in the quarter, helped by a\n"
        "share on sales of 40.8 mln dlrs.\n"
        "    Analysts were worried\n"
        "About Texas Instruments\n"
        "and its chip prices, which fell for the third month in a row, the\n"
        "company said. The company has made no decision on the dividend and\n"
        "expects to announce its plans at the annual meeting in the spring.\n"
    )
    assert find_boilerplate(text) == []


def test_body_ending_a_page_keeps_its_last_paragraph() -> None:
    text = BODY + "\n\nThe End\n\nLeave a Reply\n\nYour email address will not be published.\n"
    spans = find_boilerplate(text)
    assert kept(text, spans).strip() == BODY.strip()


def test_spans_are_line_blocks_covering_blank_lines() -> None:
    text = f"Advertisement\n\n\n{BODY}"
    (span,) = find_boilerplate(text)
    assert (span.start, span.end) == (0, len("Advertisement\n\n\n"))


def test_crlf_lines() -> None:
    text = (BODY + WORDPRESS_TAIL).replace("\n", "\r\n")
    spans = find_boilerplate(text)
    assert kept(text, spans).strip() == BODY.replace("\n", "\r\n").strip()


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"'xx'.*known: en"):
        find_boilerplate(BODY, language="xx")


@pytest.mark.parametrize("language", sorted(PATTERNS))
def test_patterns_are_well_formed(language: str) -> None:
    compiled = _compiled(language)
    for pattern in PATTERNS[language].lines:
        assert re.compile(pattern.regex).groups == 0, pattern
        assert pattern.starts.split(), pattern
        assert all(word == word.lower() for word in pattern.starts.split()), pattern
    assert compiled.starts
