"""Sentence-level lexical similarity of two short texts (paraphrase scoring).

The passage aligner (:mod:`textreuse.core.align`) needs passages of many words,
so two sentences that say the same thing in other words get no passage at all.
:func:`lexical_similarity` scores such pairs from their words alone (no model),
in [0, 1], symmetric, 1 for texts with the same words in the same order and 0
for texts that share no word. It combines four documented components:

1. **Soft, weighted coverage.** Each word of one text is matched to the other
   text: 1 for a word with the same Snowball stem ("accused" / "accusing"),
   else the best edit-distance ratio (Indel, via RapidFuzz) to one of its words
   when that is at least :data:`FUZZY_MIN` and both words have at least
   :data:`FUZZY_MIN_CHARS` characters (spelling variants, "organisation" /
   "organization"), else 0. Numbers match only the same number, after
   normalisation ("1,000" = "1000", "2.50" = "2.5"). Each word is weighted by
   its information content, ``-log10 p = 9 - zipf`` from the ``wordfreq``
   English frequencies (at least :data:`MIN_WEIGHT`; a word unknown to wordfreq
   weighs 9), so "the" counts little and a name counts a lot. The coverage of a
   text is its matched weight over its total weight; the two coverages are
   combined by their harmonic mean (like an F1 score).
2. **Word order.** The Indel similarity of the two stem sequences,
   ``2 * LCS / (len_a + len_b)``. The similarity before the factors below is
   ``COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * order``.
3. **Length ratio.** Multiplied by ``min(n_a, n_b) / max(n_a, n_b)`` (words):
   a sentence that adds a clause of new information is not a paraphrase.
4. **Numbers.** When both texts hold numbers, multiplied by
   ``1 - NUMBER_PENALTY * |A Δ B| / |A ∪ B|`` over their sets of numbers:
   "fell 3%" and "fell 5%" do not say the same thing.

Two texts with no words at all score 1; a text with words against one without
scores 0. English only (stemmer and frequencies). Measured on MRPC in
``docs/benchmarks.md`` (ROC-AUC about 0.79 separating paraphrases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from textreuse.core.tokenize import TOKEN_SOURCES, composed, token_kind

LANGUAGE = "en"
"""Language of the word frequencies; the stemmer is Snowball's English one."""
FUZZY_MIN = 0.8
"""Least edit-distance ratio for two different words to count as spelling variants."""
FUZZY_MIN_CHARS = 4
"""Shortest words (in characters) that may match as spelling variants."""
MAX_WEIGHT = 9.0
"""Weight of a word unknown to wordfreq (``-log10`` of one in a billion)."""
MIN_WEIGHT = 0.5
"""Least weight of a word, however common."""
COVERAGE_SHARE = 0.7
"""Share of the weighted coverage (the rest is word order) before the factors."""
NUMBER_PENALTY = 0.2
"""Largest reduction for numbers that differ (when both texts hold numbers)."""

_NUMBER = r"\d+(?:[.,:]\d+)*"


@cache
def _token_re(kind: tuple[bool, bool]) -> re.Pattern[str]:
    """Numbers (with their separators) or words, by
    :func:`~textreuse.core.tokenize.token_kind`."""
    return re.compile(rf"{_NUMBER}|{TOKEN_SOURCES[kind]}")


_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True, slots=True)
class Similarity:
    """A lexical similarity and its parts, each in [0, 1]."""

    score: float
    """``(COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * order) * length * numbers``."""
    coverage_a: float
    """Weighted share of ``a``'s words matched in ``b``."""
    coverage_b: float
    """Weighted share of ``b``'s words matched in ``a``."""
    order: float
    """Indel (LCS) similarity of the stem sequences."""
    length: float
    """Shorter word count over longer word count."""
    numbers: float
    """Number factor: 1 unless both texts hold numbers and they differ."""


@dataclass(frozen=True, slots=True)
class _Words:
    """One text's words prepared for matching."""

    words: list[str]
    stems: list[str]
    weights: list[float]
    is_number: list[bool]

    @property
    def numbers(self) -> set[str]:
        return {w for w, number in zip(self.words, self.is_number, strict=True) if number}


def normalize_number(token: str) -> str:
    """``"1,000"`` -> ``"1000"``, ``"2.50"`` -> ``"2.5"``, ``"3.0"`` -> ``"3"``."""
    token = token.replace(",", "")
    if "." in token and ":" not in token:
        token = token.rstrip("0").rstrip(".")
    return token


@lru_cache(maxsize=1 << 16)
def word_weight(word: str) -> float:
    """Information content of a lowercased word, ``9 - zipf``, in [MIN_WEIGHT, MAX_WEIGHT]."""
    # imported on first use: wordfreq takes a fifth of a second to import, which
    # every run would pay though only compare and eval score similarity
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word, LANGUAGE)
    if zipf <= 0.0:
        return MAX_WEIGHT
    return min(MAX_WEIGHT, max(MIN_WEIGHT, MAX_WEIGHT - zipf))


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Snowball (English) stem of a lowercased word."""
    return str(_STEMMER.stemWord(word))


def _prepare(text: str) -> _Words:
    words: list[str] = []
    is_number: list[bool] = []
    for match in _token_re(token_kind(text)).finditer(text.lower()):
        token = match.group()
        number = token[0].isdigit() and token.replace(",", "").replace(".", "").isdigit()
        words.append(normalize_number(token) if number else composed(token))
        is_number.append(number)
    stems = [word if number else stem(word) for word, number in zip(words, is_number, strict=True)]
    weights = [word_weight(word) for word in words]
    return _Words(words, stems, weights, is_number)


def _coverage(left: _Words, right: _Words) -> float:
    """Weighted share of ``left``'s words matched (softly) by a word of ``right``."""
    right_stems = {s for s, number in zip(right.stems, right.is_number, strict=True) if not number}
    right_numbers = right.numbers
    candidates = sorted(
        {
            w
            for w, number in zip(right.words, right.is_number, strict=True)
            if not number and len(w) >= FUZZY_MIN_CHARS
        }
    )
    total = matched = 0.0
    for word, word_stem, weight, number in zip(
        left.words, left.stems, left.weights, left.is_number, strict=True
    ):
        total += weight
        if number:
            matched += weight if word in right_numbers else 0.0
        elif word_stem in right_stems:
            matched += weight
        elif candidates and len(word) >= FUZZY_MIN_CHARS:
            best = process.extractOne(
                word, candidates, scorer=fuzz.ratio, score_cutoff=100.0 * FUZZY_MIN
            )
            if best is not None:
                matched += weight * best[1] / 100.0
    return matched / total if total else 1.0


def similarity(a: str, b: str) -> Similarity:
    """The lexical similarity of ``a`` and ``b`` with its parts (see the module docstring)."""
    left, right = _prepare(a), _prepare(b)
    if not left.words or not right.words:
        same = float(not left.words and not right.words)
        return Similarity(same, same, same, same, same, 1.0)
    if left.words == right.words:
        return Similarity(1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    coverage_a, coverage_b = _coverage(left, right), _coverage(right, left)
    both = coverage_a + coverage_b
    coverage = 2.0 * coverage_a * coverage_b / both if both else 0.0
    order = float(Indel.normalized_similarity(left.stems, right.stems))
    n_a, n_b = len(left.words), len(right.words)
    length = min(n_a, n_b) / max(n_a, n_b)
    numbers_a, numbers_b = left.numbers, right.numbers
    numbers = 1.0
    if numbers_a and numbers_b:
        numbers -= NUMBER_PENALTY * len(numbers_a ^ numbers_b) / len(numbers_a | numbers_b)
    score = (COVERAGE_SHARE * coverage + (1.0 - COVERAGE_SHARE) * order) * length * numbers
    return Similarity(
        score=min(1.0, max(0.0, score)),
        coverage_a=coverage_a,
        coverage_b=coverage_b,
        order=order,
        length=length,
        numbers=numbers,
    )


def lexical_similarity(a: str, b: str) -> float:
    """Lexical similarity of two short texts in [0, 1] (see the module docstring)."""
    return similarity(a, b).score
