"""Known page furniture: lines that content-management systems add to every article.

Two kinds of evidence, both on whole lines of the text:

1. **Furniture lines** anywhere in the text: a line that is *entirely* a
   comment-form label, a share or subscribe prompt, a cookie notice, a teaser
   heading ("Related Posts", "Check Also"), a byline, an advertisement marker,
   a copyright line, a breadcrumb. A line of article prose never matches,
   because every pattern must match the whole line.
2. **The page tail.** Some of those lines say the article is over: a comment
   form ("Leave a Reply"), a teaser heading, "Share this:", an author box
   ("About Ellen Lewandowski"). The first such *end marker* found after the
   first quarter of the text starts the tail: it and everything after it
   (teasers of other stories, comments, the form) is boilerplate. The author
   block just above the marker is cut too: a line of the author's name, an
   "About <Name>" line, a byline, and a short bio ("Coffee aficionado. Gamer.
   Analyst." or "Jane Doe is a reporter covering ..."). A name and bio block
   that ends the text is cut even without a marker when it holds a bio.

Patterns are kept per language in :data:`PATTERNS` (English first): each is a
:class:`Pattern` with the reason shown by ``textreuse clean --show``. They are
matched case-insensitively against a line with its surrounding white space
removed; ``(?-i:...)`` marks the parts where case matters (names).

Everything here is pure: a string in, :class:`~textreuse.boilerplate.spans.Span`
values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from textreuse.boilerplate.spans import Span, block_end, line_start
from textreuse.errors import ConfigError

#: An end marker starts the page tail only after this share of the text.
TAIL_AFTER = 0.25
#: Most lines walked back from the tail over the author block.
MAX_AUTHOR_LINES = 8
#: Longest author-block line, in characters.
MAX_AUTHOR_LINE = 300


@dataclass(frozen=True, slots=True)
class Pattern:
    """One kind of furniture line."""

    reason: str
    """Why such a line is boilerplate (shown by ``textreuse clean --show``)."""
    starts: str
    """The words a matching line may begin with, lower case, space-separated (``0`` for
    any digit, or a single character such as ``©``): other lines are skipped unread."""
    regex: str
    """Matches the whole line (white space around it removed), case-insensitively.
    Only non-capturing groups."""
    ends_article: bool = False
    """Whether the line marks the end of the article (starts the page tail)."""
    standalone: bool = False
    """Whether the line must stand on its own (see :func:`_opens`), as an end marker
    must: for patterns that a line of hard-wrapped prose could match ("By Tuesday")."""


@dataclass(frozen=True, slots=True)
class LanguagePatterns:
    """The furniture lines of one language, and how its author bios read."""

    lines: tuple[Pattern, ...]
    bio_sentence: str
    """A one-sentence author bio after the name ("Jane Doe is a reporter ...")."""
    name_particles: tuple[str, ...] = ()
    """Lower-case words allowed inside a person's name ("de", "van")."""


# A capitalised word of a name: "Ellen", "O'Neil", "Lewandowski-Ruiz", "J."
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ]\.|[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’-][^\W\d_]+)*)"
_PERSON = rf"(?-i:{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|der|da|del|la|le|al|bin)){{1,3}})"
# A date as CMSs print it: "March 3, 2022", "3 March 2022", "2022-03-03", "03/03/2022",
# optionally with a time and a "by <author>".
_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4}"
    r"|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,5})?)?"
    r"(?:\s+(?:by|in)\s+.{1,60})?"
)
# What may follow a byline: ", Staff Writer", " | The Herald" (capitalised words only)
_ROLE = (
    r"(?:\s*(?:,|\||–|—|-)\s*(?-i:[A-Z][\w.'’&-]*)"
    r"(?:\s+(?-i:[A-Z][\w.'’&-]*|and|of|for|the|at|on)){0,5})?"
)
_SOCIAL = (
    r"facebook|twitter|x|linkedin|pinterest|whatsapp|reddit|telegram|tumblr|email|e-mail"
    r"|print|messenger|flipboard|pocket|copy link|sms"
)
_SOCIAL_STARTS = (
    "facebook twitter x linkedin pinterest whatsapp reddit telegram tumblr email e print "
    "messenger flipboard pocket copy sms"
)
_SITE_LINK = (
    r"(?:privacy policy|terms (?:of|and) (?:use|service|conditions)|contact us|about us"
    r"|advertise(?: with us)?|careers|sitemap|cookie policy)"
)
_TEASER_STARTS = (
    "related check see read more you recommended most trending popular latest don editor in"
)
_TEASER_HEADING = (
    r"(?:related(?: posts?| articles?| stories| news| content| coverage| links| reading)?"
    r"|(?:check|see) also|read (?:next|also)|more (?:stories|news|articles|to read)"
    r"|you (?:may|might) (?:also )?(?:like|be interested in)|recommended(?: for you| stories"
    r"| articles| reading)?|most (?:popular|read)|trending(?: now| stories)?|popular posts"
    r"|latest (?:news|posts|stories|articles)|don[’']?t miss|editor[’']?s picks"
    r"|more from (?:our|the) .{1,40}|in other news)\s*:?"
)

ENGLISH = LanguagePatterns(
    lines=(
        # --- comment forms (WordPress and similar)
        Pattern(
            "comment form", "leave", r"leave a (?:reply|comment)(?:\s+cancel reply)?\s*:?", True
        ),
        Pattern(
            "comment form",
            "your",
            r"your email address will not be published\.?(?:\s*required fields are marked \*)?",
            True,
        ),
        Pattern("comment form", "comments comment", r"comments? (?:are|is) closed\.?", True),
        Pattern("comment form", "you", r"you must be logged in to post a comment\.?", True),
        Pattern(
            "comment form",
            "0",
            r"\d+ (?:comments?|responses?|replies|thoughts?)"
            r"(?: (?:to|on) [“\"'‘].{1,150}[”\"'’])?",
            True,
        ),
        Pattern(
            "comment form", "be join", r"(?:be the first to comment|join the discussion)\.?", True
        ),
        Pattern("comment form", "required", r"required fields are marked \*"),
        Pattern(
            "comment form",
            "comment name email e website",
            r"(?:comment|name|email|e-mail|website)\s*\*?\s*:?",
        ),
        Pattern(
            "comment form",
            "save",
            r"save my name,? email,? and website in this browser for the next time i comment\.?",
        ),
        Pattern("comment form", "post submit", r"(?:post|submit) (?:comment|reply)"),
        Pattern(
            "comment form", "notify", r"notify me of (?:follow-up comments|new posts) by email\.?"
        ),
        Pattern("comment form", "this", r"this site uses akismet to reduce spam\..{0,120}"),
        # --- share and subscribe prompts
        Pattern(
            "share prompt",
            "share",
            rf"share(?: this(?: article| story| post| page)?)?(?:\s+on\s+(?:{_SOCIAL}))?\s*:?",
            True,
        ),
        Pattern("share prompt", "like", r"like this:?", True),
        Pattern("share prompt", "click", r"click to (?:share|email|print) .{1,60}"),
        Pattern(
            "share prompt",
            f"share tweet {_SOCIAL_STARTS}",
            rf"(?:(?:share on |tweet on )?(?:{_SOCIAL})[\s|,·•/]*){{1,12}}",
        ),
        Pattern("share prompt", "loading", r"loading(?:\.\.\.|…)?"),
        Pattern(
            "subscribe prompt",
            "subscribe sign register",
            r"(?:subscribe|sign up|register)(?: now| today| here)?"
            r"(?: (?:to|for) (?:our|the|my) .{0,60}(?:newsletter|mailing list|updates).{0,80})?"
            r"[.!:]?",
        ),
        Pattern(
            "subscribe prompt", "join get", r"(?:join|get) our (?:newsletter|mailing list).{0,100}"
        ),
        Pattern("subscribe prompt", "get", r"get the latest .{0,80}(?:to|in) your inbox.{0,60}"),
        Pattern("subscribe prompt", "enter", r"enter your e-?mail(?: address)?.{0,100}"),
        Pattern("subscribe prompt", "follow", r"follow us on .{1,80}"),
        # --- cookie and consent notices
        Pattern(
            "cookie notice",
            "we this our",
            r"(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b.{0,300}",
        ),
        Pattern(
            "cookie notice",
            "accept reject allow cookie",
            r"(?:accept|reject|allow)(?: all)? cookies|cookie settings",
        ),
        Pattern(
            "cookie notice",
            "by",
            r"by (?:continuing to (?:use|browse)|using) (?:this|our) (?:site|website).{0,200}",
        ),
        # --- teasers of other stories
        Pattern("related links", _TEASER_STARTS, _TEASER_HEADING, True),
        Pattern(
            "related links", "read related see", r"(?:read more|related|see also)\s*:\s*.{1,200}"
        ),
        Pattern(
            "related links",
            "read continue keep",
            r"(?:read more|continue reading|keep reading)(?:\s*[»›>…]+)?",
        ),
        Pattern(
            "related links",
            "previous next",
            r"(?:previous|next) (?:post|article|story)\s*:?.{0,150}",
        ),
        # --- author boxes and bylines
        Pattern("author bio", "about", r"about (?:the )?authors?\s*:?", True),
        Pattern("author bio", "about", rf"(?-i:About)\s+{_PERSON}", True),
        Pattern(
            "byline",
            "by written posted author",
            rf"(?:by|written by|posted by|author:)\s+{_PERSON}{_ROLE}",
            standalone=True,
        ),
        # --- navigation, dates, tags
        Pattern(
            "navigation",
            "skip main menu home search",
            r"skip to (?:main )?content|(?:main )?menu|home|search",
        ),
        Pattern("navigation", "home", r"home\s*[»>/|›].{0,150}"),
        Pattern(
            "navigation",
            "posted published updated last",
            rf"(?:posted|published|updated|last updated)(?: on)?:?\s+{_DATE}",
        ),
        Pattern(
            "navigation",
            "filed category categories tag tags tagged",
            r"(?:filed under|categor(?:y|ies)|tags?|tagged(?: with)?)\s*:.{0,200}",
        ),
        # --- advertising and legal lines
        Pattern(
            "advertisement",
            "advertisement advertisements sponsored story scroll continue",
            r"advertisements?|sponsored(?: content)?|story continues below(?: advertisement)?"
            r"|scroll to continue(?: with content)?|continue reading (?:below|the main story)",
        ),
        Pattern(
            "copyright",
            "© ( copyright all",
            r"©.{0,150}|(?:\(c\)|copyright)\s+(?:©\s*|\(c\)\s*)?\d{4}.{0,150}"
            r"|all rights reserved\.?",
        ),
        Pattern(
            "site links",
            "privacy terms contact about advertise careers sitemap cookie",
            rf"{_SITE_LINK}(?:\s*[|·•/,-]?\s*{_SITE_LINK})*",
        ),
    ),
    bio_sentence=rf"{_PERSON}\s+(?:is|was|has been|writes|covers|reports)\b.{{0,250}}",
    name_particles=("de", "van", "von", "der", "da", "del", "la", "le", "al", "bin"),
)

#: Furniture patterns by language code. Add a language by adding an entry.
PATTERNS: dict[str, LanguagePatterns] = {"en": ENGLISH}

_NAME_LINE_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:[.'’-][^\W\d_]*)*\.?")
_FRAGMENT_END = re.compile(r"[.!?]+(?=\s|$)")
_QUOTES = "\"'“”‘’ \t\r"
#: The first word of every line not starting with a-z: letters, or else one
#: non-space character.
_FIRST_WORD = re.compile(r"^[ \t]*(?![a-z])([^\W\d_]+|\S)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class _Compiled:
    scan: re.Pattern[str]
    """Every pattern as one multi-line regex, one named group per pattern."""
    starts: frozenset[str]
    """First words (lower case) of lines worth matching."""
    reasons: dict[str, str]
    ends: frozenset[str]
    standalone: frozenset[str]
    bio_sentence: re.Pattern[str]
    particles: frozenset[str]


@cache
def _compiled(language: str) -> _Compiled:
    patterns = PATTERNS.get(language)
    if patterns is None:
        known = ", ".join(sorted(PATTERNS))
        raise ConfigError(f"no boilerplate patterns for language {language!r}; known: {known}")
    groups = []
    starts: set[str] = set()
    reasons: dict[str, str] = {}
    ends: set[str] = set()
    standalone: set[str] = set()
    for index, pattern in enumerate(patterns.lines):
        name = f"p{index}"
        # white space inside a pattern never crosses a line break
        regex = pattern.regex.replace(r"[\s", r"[ \t").replace(r"\s", r"[ \t]")
        groups.append(f"(?P<{name}>{regex})")
        starts.update(pattern.starts.split())
        reasons[name] = pattern.reason
        if pattern.ends_article:
            ends.add(name)
        if pattern.ends_article or pattern.standalone:
            standalone.add(name)
    scan = re.compile(rf"^[ \t]*(?:{'|'.join(groups)})[ \t\r]*$", re.MULTILINE | re.IGNORECASE)
    return _Compiled(
        scan=scan,
        starts=frozenset(starts),
        reasons=reasons,
        ends=frozenset(ends),
        standalone=frozenset(standalone),
        bio_sentence=re.compile(patterns.bio_sentence, re.IGNORECASE),
        particles=frozenset(patterns.name_particles),
    )


def _furniture(text: str, compiled: _Compiled) -> Iterator[re.Match[str]]:
    """Matches of furniture lines, in text order.

    Only lines whose first word can start a pattern are matched, and never a
    line starting with a lower-case letter (the inside of hard-wrapped prose).
    """
    starts = compiled.starts
    scan = compiled.scan
    for first in _FIRST_WORD.finditer(text):
        word = first.group(1)
        if word[0].islower():
            continue
        key = "0" if word.isdigit() else word.lower()
        if key in starts:
            match = scan.match(text, first.start())
            if match is not None:
                yield match


def find_boilerplate(text: str, language: str = "en") -> list[Span]:
    """Furniture lines and the page tail of one text, as sorted, non-overlapping spans.

    Each span is a line block (see :mod:`textreuse.boilerplate.spans`) with a reason.
    """
    compiled = _compiled(language)
    lines: list[Span] = []
    tail: Span | None = None
    tail_after = int(len(text) * TAIL_AFTER)
    for match in _furniture(text, compiled):
        name = match.lastgroup or ""
        start = match.start()
        if name in compiled.standalone and not (
            (lines and lines[-1].end == start) or _opens(text, start)
        ):
            continue  # inside a hard-wrapped paragraph
        if name in compiled.ends and start >= tail_after:
            tail = Span(start, len(text), f"{compiled.reasons[name]} and all after it")
            break
        lines.append(Span(start, block_end(text, match.end()), compiled.reasons[name]))
    tail_start = tail.start if tail is not None else len(text)
    author_start = _author_block_start(text, tail_start, compiled, need_bio=tail is None)
    found = [span for span in lines if span.end <= author_start]
    if author_start < tail_start:
        found.append(Span(author_start, tail_start, "author bio"))
    if tail is not None:
        found.append(tail)
    return found


def _author_block_start(text: str, end: int, compiled: _Compiled, *, need_bio: bool) -> int:
    """Start of the author block (name, bio, byline lines) just above ``end``.

    Returns ``end`` when there is none. With ``need_bio`` the block must hold a
    bio or an "About <Name>" line, not just a name.
    """
    kinds: list[tuple[int, str]] = []  # (line start, kind), walking upwards
    pos = end
    while len(kinds) < MAX_AUTHOR_LINES:
        stripped_end = pos
        while stripped_end > 0 and text[stripped_end - 1].isspace():
            stripped_end -= 1
        if stripped_end == 0:
            break
        start = line_start(text, stripped_end)
        line = text[start:stripped_end].strip()
        kind = _author_line_kind(line, compiled)
        if kind is None:
            break
        kinds.append((start, kind))
        pos = start
    # a one-sentence bio counts only right below the name it describes
    accepted = len(kinds)
    for index, (_, kind) in enumerate(kinds):
        if kind == "sentence" and (index + 1 >= len(kinds) or kinds[index + 1][1] != "name"):
            accepted = index
            break
    kinds = kinds[:accepted]
    wanted = ("bio", "sentence", "about") if need_bio else ("name", "bio", "sentence", "about")
    if not any(kind in wanted for _, kind in kinds):
        return end
    return kinds[-1][0]


def _opens(text: str, start: int) -> bool:
    """Whether the line at ``start`` stands on its own, not inside a hard-wrapped paragraph:
    it opens the text, or follows a blank line or a line ending a sentence."""
    before = text[max(0, start - 400) : start].rstrip(" \t\r")
    if before.endswith("\n"):
        before = before[:-1]  # the break ending the previous line
    if not before.strip() or before.rstrip(" \t\r").endswith("\n"):
        return True  # first line, or after a blank line
    return before.rstrip()[-1] in ".!?\"'”’:)*"


def _author_line_kind(line: str, compiled: _Compiled) -> str | None:
    """``"name"``, ``"bio"``, ``"sentence"``, ``"about"``, ``"furniture"`` or None."""
    if not line or len(line) > MAX_AUTHOR_LINE or line[0].islower():
        return None
    first = _FIRST_WORD.match(line)
    key = first.group(1).lower() if first is not None else ""
    match = (
        compiled.scan.fullmatch(line)
        if ("0" if key.isdigit() else key) in compiled.starts
        else None
    )
    if match is not None:
        name = match.lastgroup or ""
        return "about" if compiled.reasons[name] == "author bio" else "furniture"
    if _is_name(line, compiled.particles):
        return "name"
    if _is_fragmented_bio(line):
        return "bio"
    if compiled.bio_sentence.fullmatch(line.strip(_QUOTES)):
        return "sentence"
    return None


def _is_name(line: str, particles: frozenset[str]) -> bool:
    """A person's name alone on a line: two to four capitalised words."""
    words = line.split()
    if not 2 <= len(words) <= 4 or len(line) > 60:
        return False
    capitalised = [w for w in words if _NAME_LINE_WORD.fullmatch(w)]
    others = [w for w in words if not _NAME_LINE_WORD.fullmatch(w)]
    return len(capitalised) >= 2 and all(w in particles for w in others)


def _is_fragmented_bio(line: str) -> bool:
    """A bio made of short capitalised fragments: "Coffee aficionado. Troublemaker. Gamer."."""
    parts = [p.strip() for p in _FRAGMENT_END.split(line.strip(_QUOTES)) if p.strip()]
    if len(parts) < 3:
        return False
    return all(
        len(p.split()) <= 4 and p[0].isupper() and not any(c.isdigit() for c in p) for p in parts
    )
