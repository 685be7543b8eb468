"""Word tokens with exact character offsets into the original text.

Tokens are maximal runs of Unicode word characters and combining marks (``\\w``
and :data:`~textreuse.core.unicode_marks.MARKS`: a vowel sign or virama belongs to
its word, as in Hindi "हिन्दी"), except in the scripts written without spaces
between words (Chinese, Japanese kana), where each character (with any marks on
it) is a token: a whole clause is one run of word characters there, so runs would
never match across rewordings. Each token keeps its ``start``/``end`` offsets into
the text exactly as given (no newline or Unicode normalisation happens before
slicing), so ``text[start:end]`` is always the token as written. The *normalised*
form, used for matching, is lowercased and in Unicode NFC, so a decomposed accent
("cafe" + U+0301) matches the composed one ("café").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from textreuse.core.unicode_marks import BMP_MARKS, MARKS

#: Characters of scripts written without spaces between words, each one token:
#: Hiragana and Katakana (less the two combining voicing marks, U+3099 and U+309A,
#: which join the character before them), Bopomofo, CJK ideographs (with
#: extensions and compatibility forms), and half-width Katakana.
NO_SPACE_CHARS = (
    "\u3040-\u3098\u309b-\u30ff\u3100-\u312f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)


def _token_source(no_space: bool, far_marks: bool) -> str:
    """The token expression for a text holding characters written without spaces
    (``no_space``: each is a token, with any marks on it) or not (runs of word
    characters and marks), and combining marks beyond the Basic Multilingual Plane
    (``far_marks``; else only :data:`BMP_MARKS`, much quicker to match)."""
    marks = MARKS if far_marks else BMP_MARKS
    if no_space:
        return rf"(?:[^\W{NO_SPACE_CHARS}]|[{marks}])+|[{NO_SPACE_CHARS}][{marks}]*"
    return rf"[\w{marks}]+"


#: Token expressions by :func:`token_kind`.
TOKEN_SOURCES: dict[tuple[bool, bool], str] = {
    (no_space, far_marks): _token_source(no_space, far_marks)
    for no_space in (False, True)
    for far_marks in (False, True)
}


# compiled on first use: the classes of marks take a while to compile, and most
# texts need only the first kind
@functools.cache
def _find_re(kind: tuple[bool, bool]) -> re.Pattern[str]:
    return re.compile(TOKEN_SOURCES[kind])


@functools.cache
def _split_re(kind: tuple[bool, bool]) -> re.Pattern[str]:
    return re.compile(f"({TOKEN_SOURCES[kind]})")


#: The token expression for ASCII text: the same tokens (no mark is ASCII), found
#: without testing each character against the long classes of marks. Its one group
#: makes ``split`` keep the tokens, and ``findall`` gives them alone.
_ASCII_TOKEN_RE = re.compile(r"(\w+)", re.ASCII)

_NO_SPACE_CHAR_RE = re.compile(rf"[{NO_SPACE_CHARS}]")
_BEYOND_BMP_RE = re.compile("[\U00010000-\U0010ffff]")
#: Either of the two above: one scan tells that a text (most non-ASCII text) has neither.
_NO_SPACE_OR_BEYOND_BMP_RE = re.compile(f"[{NO_SPACE_CHARS}\U00010000-\U0010ffff]")

#: Sentence ends: terminal punctuation (optionally followed by closing quotes or
#: brackets) then white space, or a blank line / line break; in Chinese and
#: Japanese, a full-width full stop, exclamation or question mark (no space follows).
#: Terminal punctuation includes the danda of Hindi and Bengali (।, ॥), the Arabic
#: question mark and Urdu full stop (؟, ۔), and the Armenian, Ethiopic and Burmese
#: full stops (։, ።, ။).
#: A match takes the white space after the end with it (group ``space``), so the
#: next sentence begins where the match ends. It is written to begin with one
#: character class (then tells the kinds apart by looking back at it), which lets
#: the regular expression engine skip quickly to the next candidate character.
_SENTENCE_END_RE = re.compile(
    r"[.!?।॥؟۔։።။。！？\n]"
    r"(?:(?<=[.!?।॥؟۔։።။])[.!?।॥؟۔։።။]*[\"'”’)\]]*(?=\s)"
    r"|(?<=[。！？])[。！？]*[」』”’）)]*"
    r"|(?<=\n)(?=\s))"
    r"(?P<space>\s*)"
)

#: Words whose trailing full stop does not end a sentence (English first).
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "hon",
        "inc",
        "ltd",
        "co",
        "corp",
        "bros",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))
_LAST_WORD_RE = re.compile(r"(\w+)\W*$")


@dataclass(frozen=True, slots=True)
class Tokens:
    """The tokens of one text: normalised words and their character spans."""

    words: list[str]
    starts: npt.NDArray[np.int32]
    ends: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.words)


def normalize(word: str) -> str:
    """The matching form of a token: lowercased, in Unicode NFC."""
    return composed(word.lower())


def composed(word: str) -> str:
    """``word`` in Unicode NFC (a decomposed accent composed), quick for ASCII."""
    if word.isascii() or unicodedata.is_normalized("NFC", word):
        return word
    return unicodedata.normalize("NFC", word)


def token_kind(text: str) -> tuple[bool, bool]:
    """Which :data:`TOKEN_SOURCES` expression splits ``text``: whether it holds
    characters of :data:`NO_SPACE_CHARS`, and combining marks beyond the Basic
    Multilingual Plane (quick for ASCII, and for text with no character beyond it)."""
    if text.isascii() or _NO_SPACE_OR_BEYOND_BMP_RE.search(text) is None:
        return False, False
    no_space = _NO_SPACE_CHAR_RE.search(text) is not None
    far_marks = _BEYOND_BMP_RE.search(text) is not None and any(
        unicodedata.category(char)[0] == "M" for char in set(text) if char > "\uffff"
    )
    return no_space, far_marks


def tokenize(text: str) -> Tokens:
    """Split ``text`` into word tokens with character offsets (end exclusive)."""
    ascii_only = text.isascii()
    split = _ASCII_TOKEN_RE if ascii_only else _split_re(token_kind(text))
    # lowercasing ASCII keeps every character's length, so the lowered text splits
    # into parts as long as the original's: its words need no lowering one by one
    parts = split.split(text.lower() if ascii_only else text)  # separator, word, ..., separator
    if len(parts) == 1:
        empty = np.empty(0, dtype=np.int32)
        return Tokens(words=[], starts=empty, ends=empty.copy())
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    ends = np.cumsum(lengths)[1::2]
    starts = ends - lengths[1::2]
    words = parts[1::2]
    if not ascii_only:
        words = [word.lower() for word in words]
        if not unicodedata.is_normalized("NFC", text.lower()):
            words = [composed(word) for word in words]
    return Tokens(
        words=words,
        starts=starts.astype(np.int32),
        ends=ends.astype(np.int32),
    )


def words(text: str) -> list[str]:
    """Normalised words only, without offsets: the fast path used for indexing.

    Equal to ``tokenize(text).words`` except for the few characters whose
    lowercase form depends on context (such as "İ", or a Greek final sigma
    after an apostrophe), which only matters for indexing recall, never for
    offsets.
    """
    lowered = text.lower()
    if text.isascii():
        ascii_words: list[str] = _ASCII_TOKEN_RE.findall(lowered)
        return ascii_words
    found: list[str] = _find_re(token_kind(text)).findall(lowered)
    if unicodedata.is_normalized("NFC", lowered):
        return found
    return [composed(word) for word in found]


def tokens_in_spans(
    starts: npt.NDArray[np.int32],
    ends: npt.NDArray[np.int32],
    span_starts: npt.ArrayLike,
    span_ends: npt.ArrayLike,
) -> npt.NDArray[np.bool_]:
    """For each token ``[starts[i], ends[i])``, whether it overlaps any span.

    Spans must be sorted and non-overlapping (merged).
    """
    lo = np.asarray(span_starts, dtype=np.int64)
    hi = np.asarray(span_ends, dtype=np.int64)
    if len(lo) == 0 or len(starts) == 0:
        return np.zeros(len(starts), dtype=bool)
    # the first span ending after each token's start; the token overlaps it if it starts before
    index = np.searchsorted(hi, starts, side="right")
    inside = index < len(hi)
    hit = np.zeros(len(starts), dtype=bool)
    hit[inside] = lo[index[inside]] < ends[inside]
    return hit


def sentence_starts(text: str) -> npt.NDArray[np.int32]:
    """Character offsets where sentences (or paragraphs) begin, always including 0.

    A sentence begins at the first non-space character after terminal
    punctuation followed by white space, or after a line break that is
    followed by white space (a paragraph break).
    """
    return np.asarray(sentence_start_list(text), dtype=np.int32)


def sentence_start_list(text: str) -> list[int]:
    """:func:`sentence_starts` as a list (ascending, no repeats)."""
    starts = [0]
    length = len(text)
    for match in _SENTENCE_END_RE.finditer(text):
        pos = match.end()  # past the white space
        if pos >= length:
            continue
        if (
            text[match.start()] == "."
            and not _ends_sentence(text, match.start(), text[pos])
            and "\n" not in text[match.start("space") : pos - 1]  # nor a paragraph break
        ):
            continue
        starts.append(pos)
    return starts


def _ends_sentence(text: str, dot: int, next_char: str) -> bool:
    """Whether the full stop at ``dot`` ends a sentence (not an initial or abbreviation)."""
    if next_char.islower():
        return False
    if dot >= _LONGEST_ABBREVIATION + 1 and text[dot - _LONGEST_ABBREVIATION - 1 : dot].isalnum():
        return True  # the word before is longer than any abbreviation (most full stops)
    last = _LAST_WORD_RE.search(text, max(0, dot - 12), dot)
    if last is None:
        return True
    word = last.group(1)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "William J. Burns"
    return word.lower() not in ABBREVIATIONS
