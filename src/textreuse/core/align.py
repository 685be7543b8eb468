"""Local alignment of two texts: shared n-gram seeds, chained into passages.

The aligner finds every passage of one text that is a copy or a light to
moderate rewrite of a passage of the other, in any order:

1. **Seeds.** Word n-grams present in both texts (n-grams repeated many times
   inside one text are ignored).
2. **Chains.** Seeds are chained greedily in text order of ``a``; a seed joins
   a chain when it follows the chain's last seed in *both* texts within a gap
   and drift limit. Reordered passages (moved paragraphs, shuffled sentences)
   simply become separate chains, so order changes never hide reuse.
3. **Rewritten sentences** (with ``sentence_similarity``, off by default). A seed
   whose sentences no chain long enough to be a passage covers whole (heavy
   rewriting leaves lone n-grams too far apart to chain) proposes the pair of
   sentences holding it; the pair becomes a region when the sentences' word
   sets are similar (Dice at least ``sentence_similarity``). Regions of
   consecutive sentences join, and join the chains they overlap; a passage
   still needs ``min_seeds`` seeds inside it.
4. **Boundaries.** A chain's span is extended over identical neighbouring
   words, then *snapped* to the enclosing sentence boundary when the pieces of
   sentence left outside are themselves similar in both texts (a rewritten
   clause at the start of a sentence) — never across a sentence end. Identical
   punctuation (a full stop, closing quotes) is pulled in.

   Excluded character spans (boilerplate, given to :class:`PreparedText`) are
   never part of a passage: n-grams touching them never seed, chains are cut
   where they would cross them, and growing, merging and snapping stop at them.
5. **Edits.** Each passage gets a word alignment (:mod:`textreuse.core.word_diff`)
   giving matching, substituted, inserted and deleted words and a score in [0, 1].

Everything here is pure: plain strings in, :class:`Passage` values out.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from textreuse.core.fingerprint import grams_touching
from textreuse.core.tokenize import (
    Tokens,
    sentence_start_list,
    tokenize,
    tokens_in_spans,
)
from textreuse.core.word_diff import Opcode, edit_counts, word_opcodes
from textreuse.errors import ConfigError

IntArray = npt.NDArray[np.int64]


_INT_FIELDS = (
    "ngram",
    "min_seeds",
    "min_words",
    "max_gap",
    "max_drift",
    "snap_words",
    "max_seed_repeats",
)


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Parameters of the passage aligner. Validated on creation."""

    ngram: int = 4
    """Words per seed n-gram."""
    min_seeds: int = 2
    """Distinct seed n-grams a passage needs."""
    min_words: int = 15
    """Shortest passage reported, in words (the shorter side counts)."""
    max_gap: int = 12
    """Unmatched words allowed between two consecutive seeds of a passage."""
    max_drift: int = 8
    """Largest shift of the diagonal between consecutive seeds (inserted or deleted words)."""
    snap_words: int = 30
    """Longest sentence fragment (in words) that boundary snapping may pull in."""
    snap_similarity: float = 0.4
    """Least Dice similarity of the two fragments for a snap."""
    sentence_similarity: float | None = None
    """Least Dice similarity of two sentences sharing a seed, that no passage covers
    whole, for them to be aligned (heavily rewritten sentences); None (the default)
    turns this off."""
    max_seed_repeats: int = 8
    """N-grams repeated more often than this inside one text are not used as seeds."""

    def __post_init__(self) -> None:
        for name in _INT_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{name} must be a whole number, got {value!r}")
        for name in ("snap_similarity", "sentence_similarity"):
            value = getattr(self, name)
            if value is None and name == "sentence_similarity":
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise ConfigError(f"{name} must be a number, got {value!r}")
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be in [0, 1], got {value}")
        for name in ("ngram", "min_seeds", "min_words", "max_seed_repeats"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("max_gap", "max_drift", "snap_words"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 or more, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class Passage:
    """One aligned passage pair: character offsets (end exclusive) and word edits."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    matches: int
    substitutions: int
    insertions: int
    deletions: int
    a_words: int = field(default=0)
    b_words: int = field(default=0)


class PreparedText:
    """A text with its tokens, seed hashes and sentence starts, computed once.

    ``spans``: sorted, non-overlapping character spans ``(start, end)`` that no
    passage may touch (boilerplate).
    """

    def __init__(
        self, text: str, ngram: int, spans: Sequence[tuple[int, int]] | None = None
    ) -> None:
        self.text = text
        self.ngram = ngram
        self.spans: tuple[tuple[int, int], ...] = tuple(spans or ())
        self._span_starts = np.array([s for s, _ in self.spans], dtype=np.int64)
        self._span_ends = np.array([e for _, e in self.spans], dtype=np.int64)

    @cached_property
    def blocked_totals(self) -> IntArray | None:
        """Running count of tokens inside spans (``totals[i]``: among the first ``i``),
        or None when no token is."""
        if not self.spans:
            return None
        blocked = tokens_in_spans(
            self.tokens.starts, self.tokens.ends, self._span_starts, self._span_ends
        )
        if not blocked.any():
            return None
        return np.concatenate(([0], np.cumsum(blocked, dtype=np.int64)))

    def clear(self, lo: int, hi: int) -> bool:
        """Whether tokens ``lo .. hi-1`` are all outside the spans."""
        totals = self.blocked_totals
        if totals is None or hi <= lo:
            return True
        return bool(totals[max(0, hi)] == totals[max(0, lo)])

    def in_spans(self, start: int, end: int) -> bool:
        """Whether characters ``[start, end)`` overlap a span."""
        if not self.spans or end <= start:
            return False
        index = int(np.searchsorted(self._span_ends, start, side="right"))
        return index < len(self.spans) and int(self._span_starts[index]) < end

    @cached_property
    def tokens(self) -> Tokens:
        return tokenize(self.text)

    @cached_property
    def grams(self) -> list[int]:
        """Seed hash per n-gram position (-1 where the n-gram may not seed)."""
        # Python's own hash of the n-gram's words: consistent within this process,
        # which is all alignment needs (both texts of a pair are hashed here), and
        # much faster than a portable hash; it is never -1. Persisted fingerprints use
        # xxHash instead.
        words = self.tokens.words
        grams = list(map(hash, zip(*(words[k:] for k in range(self.ngram)), strict=False)))
        totals = self.blocked_totals
        if totals is not None and grams:
            touching = grams_touching(np.diff(totals) > 0, self.ngram).tolist()
            grams = [-1 if blocked else gram for gram, blocked in zip(grams, touching, strict=True)]
        return grams

    @cached_property
    def gram_index(self) -> GramIndex:
        return GramIndex.build(self.grams)

    @cached_property
    def sentence_index(self) -> IntArray:
        """For each token, the number of its sentence (counting those with tokens)."""
        firsts = np.asarray(self.sentence_bounds[0], dtype=np.int64)
        return np.unique(firsts, return_inverse=True)[1].astype(np.int64)

    @cached_property
    def sentence_bounds(self) -> tuple[list[int], list[int]]:
        """For each token, the first token of its sentence and the token after its last,
        as lists: the boundary steps look them up for every region, where a list is
        many times quicker to index than an array."""
        starts = np.asarray(sentence_start_list(self.text), dtype=np.int32)
        # each sentence's first token (a sentence may have none)
        breaks = [*self.tokens.starts.searchsorted(starts).tolist(), len(self.tokens)]
        firsts: list[int] = []
        stops: list[int] = []
        for first, stop in itertools.pairwise(breaks):
            firsts += [first] * (stop - first)
            stops += [stop] * (stop - first)
        return firsts, stops


@dataclass(frozen=True, slots=True)
class GramIndex:
    """Seed n-grams of one text with where they occur (built once per text), as
    dictionaries: two texts share few of their n-grams, and a set intersection with a
    lookup per shared n-gram costs less than array operations of fixed overhead."""

    first: dict[int, int]
    """Position of each n-gram's first occurrence (excluded positions left out)."""
    repeated: dict[int, list[int]]
    """Every position, in order, of the n-grams occurring more than once."""

    @classmethod
    def build(cls, values: list[int]) -> GramIndex:
        # reversed, so that each n-gram's first position is written last
        first = dict(zip(reversed(values), range(len(values) - 1, -1, -1), strict=True))
        first.pop(-1, None)  # positions that may not seed
        repeated: dict[int, list[int]] = {}
        if len(first) < len(values) - values.count(-1):
            for position, value in enumerate(values):
                if value != -1 and first[value] != position:
                    repeated.setdefault(value, [first[value]]).append(position)
        return cls(first, repeated)


def find_seeds(index_a: GramIndex, index_b: GramIndex, max_repeats: int) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` where both texts have the same n-gram, sorted by ``(i, j)``.

    N-grams repeated more than ``max_repeats`` times in either text are skipped.
    """
    first_a, first_b = index_a.first, index_b.first
    repeated_a, repeated_b = index_a.repeated, index_b.repeated
    shared = first_a.keys() & first_b.keys()
    if not repeated_a and not repeated_b:  # most texts: each n-gram once
        return sorted([(first_a[value], first_b[value]) for value in shared])
    seeds: list[tuple[int, int]] = []
    for value in shared:
        in_a, in_b = repeated_a.get(value), repeated_b.get(value)
        if in_a is None and in_b is None:
            seeds.append((first_a[value], first_b[value]))
            continue
        positions_a = in_a or [first_a[value]]
        positions_b = in_b or [first_b[value]]
        if len(positions_a) <= max_repeats and len(positions_b) <= max_repeats:
            seeds.extend((i, j) for i in positions_a for j in positions_b)
    seeds.sort()
    return seeds


def chain_seeds(
    seeds: list[tuple[int, int]], ngram: int, max_gap: int, max_drift: int
) -> list[list[tuple[int, int]]]:
    """Group seeds (sorted by ``(i, j)``) into chains that advance together in both texts.

    A seed joins the active chain it continues at the least cost (drift, then
    distance); one right after a chain's last seed on its diagonal costs the least
    possible, so it joins that chain at once, found by its last seed.
    """
    reach = ngram + max_gap
    chains: list[list[tuple[int, int]]] = []
    active: list[int] = []
    by_last: dict[tuple[int, int], int] = {}  # each chain by its last seed
    for seed in seeds:
        i, j = seed
        index = by_last.pop((i - 1, j - 1), -1)
        if index >= 0:
            chains[index].append(seed)
            by_last[seed] = index
            continue
        best = -1
        best_cost = 0
        still_active = []
        for index in active:
            last_i, last_j = chains[index][-1]
            if i - last_i > reach:
                continue
            still_active.append(index)
            if i <= last_i or j <= last_j or j - last_j > reach:
                continue
            drift = abs((j - i) - (last_j - last_i))
            if drift > max_drift:
                continue
            cost = drift * 4 + (i - last_i)
            if best < 0 or cost < best_cost:
                best, best_cost = index, cost
        active = still_active
        if best >= 0:
            del by_last[chains[best][-1]]
            chains[best].append(seed)
            by_last[seed] = best
        else:
            by_last[seed] = len(chains)
            active.append(len(chains))
            chains.append([seed])
    return chains


@dataclass(slots=True)
class _Region:
    """Token spans ``[a0, a1)`` and ``[b0, b1)`` of one candidate passage."""

    a0: int
    a1: int
    b0: int
    b1: int
    seeds: int


def _split_chain(
    chain: list[tuple[int, int]], a: PreparedText, b: PreparedText, ngram: int
) -> list[list[tuple[int, int]]]:
    """Cut a chain of seeds wherever the text between two of them holds excluded tokens."""
    parts = []
    begin = 0
    for k in range(1, len(chain)):
        (i0, j0), (i1, j1) = chain[k - 1], chain[k]
        if not (a.clear(i0, i1 + ngram) and b.clear(j0, j1 + ngram)):
            parts.append(chain[begin:k])
            begin = k
    parts.append(chain[begin:])
    return parts


def _merge_regions(
    regions: list[_Region],
    max_gap: int,
    a: PreparedText | None = None,
    b: PreparedText | None = None,
) -> list[_Region]:
    """Merge regions that nearly touch in both texts in the same order, or overlap in both.

    With ``a`` and ``b``, regions are never merged across excluded tokens.
    """
    regions = sorted(regions, key=lambda r: (r.a0, r.b0))
    merged: list[_Region] = []
    for region in regions:
        joined = False
        for other in reversed(merged[-8:]):
            near_a = region.a0 <= other.a1 + max_gap and other.a0 <= region.a1 + max_gap
            near_b = region.b0 <= other.b1 + max_gap and other.b0 <= region.b1 + max_gap
            overlap_a = region.a0 < other.a1 and other.a0 < region.a1
            overlap_b = region.b0 < other.b1 and other.b0 < region.b1
            same_order = (region.a0 >= other.a0) == (region.b0 >= other.b0)
            if (
                near_a
                and near_b
                and (same_order or (overlap_a and overlap_b))
                and (
                    a is None
                    or b is None
                    or (
                        a.clear(min(other.a0, region.a0), max(other.a1, region.a1))
                        and b.clear(min(other.b0, region.b0), max(other.b1, region.b1))
                    )
                )
            ):
                other.a0 = min(other.a0, region.a0)
                other.a1 = max(other.a1, region.a1)
                other.b0 = min(other.b0, region.b0)
                other.b1 = max(other.b1, region.b1)
                other.seeds += region.seeds
                joined = True
                break
        if not joined:
            merged.append(_Region(region.a0, region.a1, region.b0, region.b1, region.seeds))
    return merged


class _TakenSpans:
    """The disjoint spans of one text already used by kept passages, sorted by start,
    each with the order it was taken in. The spans overlapping a region are found by
    bisection rather than by checking every kept span (each insertion still moves
    the list's tail, a fast memory move)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.order: list[int] = []

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self.starts, start)
        self.starts.insert(index, start)
        self.ends.insert(index, end)
        self.order.insert(index, len(self.order))

    def _overlapping(self, start: int, end: int) -> range:
        """Indexes (by start) of the spans overlapping ``[start, end)``."""
        first = bisect.bisect_right(self.ends, start)  # the first span ending after start
        return range(first, bisect.bisect_left(self.starts, end, lo=first))

    def touching(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans overlapping ``[start, end)``, in the order they were taken."""
        found = sorted(self._overlapping(start, end), key=self.order.__getitem__)
        return [(self.starts[index], self.ends[index]) for index in found]

    def overlaps_half(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span by more than half of itself."""
        half = (end - start) / 2
        return any(
            min(end, self.ends[index]) - max(start, self.starts[index]) > half
            for index in self._overlapping(start, end)
        )


def _one_to_one(regions: list[_Region], min_words: int) -> list[_Region]:
    """Keep each stretch of text in at most one passage, longest passages first.

    Text repeated inside one document (a boilerplate line, a quoted definition)
    would otherwise pair every copy with every other copy. A region overlapping
    kept ones by more than half of itself is dropped; a smaller overlap at one of
    its ends is cut off (the same number of words from both texts), and the rest
    is kept if it still has ``min_words`` words. Kept regions never overlap in
    either text, so the spans taken in each text are disjoint.
    """
    kept: list[_Region] = []
    taken_a, taken_b = _TakenSpans(), _TakenSpans()
    ordered = sorted(regions, key=lambda r: (-(r.a1 - r.a0 + r.b1 - r.b0), r.a0, r.b0))
    for region in ordered:
        if taken_a.overlaps_half(region.a0, region.a1) or taken_b.overlaps_half(
            region.b0, region.b1
        ):
            continue
        trimmed = _cut_overlaps(region, taken_a, taken_b)
        if trimmed is None or min(trimmed.a1 - trimmed.a0, trimmed.b1 - trimmed.b0) < min_words:
            continue
        kept.append(trimmed)
        taken_a.add(trimmed.a0, trimmed.a1)
        taken_b.add(trimmed.b0, trimmed.b1)
    return kept


def _cut_overlaps(region: _Region, taken_a: _TakenSpans, taken_b: _TakenSpans) -> _Region | None:
    """The region without the ends it shares with taken spans, or None when a taken
    span lies strictly inside it. Spans are met in the order they were taken; cuts
    only shrink the region, so only spans overlapping it at the start can matter."""
    a0, a1, b0, b1 = region.a0, region.a1, region.b0, region.b1
    for taken, in_a in ((taken_a, True), (taken_b, False)):
        spans = taken.touching(a0, a1) if in_a else taken.touching(b0, b1)
        for start, end in spans:
            low, high = (a0, a1) if in_a else (b0, b1)
            if end <= low or start >= high:
                continue
            if start <= low:  # a taken span covers the start: cut the start
                cut = end - low
                a0, b0 = a0 + cut, b0 + cut
            elif end >= high:  # it covers the end: cut the end
                cut = high - start
                a1, b1 = a1 - cut, b1 - cut
            else:
                return None
            if a0 >= a1 or b0 >= b1:
                return None
    return _Region(a0, a1, b0, b1, region.seeds)


def _sentence_regions(
    seeds: IntArray,
    regions: list[_Region],
    a: PreparedText,
    b: PreparedText,
    params: AlignParams,
) -> list[_Region]:
    """Regions of rewritten sentences around seeds whose sentences no region long
    enough to be a passage covers whole.

    A seed lying inside one sentence of each text proposes that sentence pair. The
    shorter of the two sentences is matched with a stretch of the other text as long
    as itself, placed on the seeds' diagonal and kept inside the other sentence (a
    copy that lost its full stops runs sentences together); the pair is a region when
    the two stretches' words are similar enough (``sentence_similarity``) and hold no
    excluded token. ``seeds`` counts the proposing seeds.
    """
    similarity_floor = params.sentence_similarity
    if similarity_floor is None or len(seeds) == 0:
        return []
    n = params.ngram
    sent_a, sent_b = a.sentence_index, b.sentence_index
    seeds = seeds[
        (sent_a[seeds[:, 0]] == sent_a[seeds[:, 0] + n - 1])
        & (sent_b[seeds[:, 1]] == sent_b[seeds[:, 1] + n - 1])
    ]
    of_a, of_b = sent_a[seeds[:, 0]], sent_b[seeds[:, 1]]
    a0s, a1s = np.searchsorted(sent_a, of_a, "left"), np.searchsorted(sent_a, of_a, "right")
    b0s, b1s = np.searchsorted(sent_b, of_b, "left"), np.searchsorted(sent_b, of_b, "right")
    settled = np.zeros(len(seeds), dtype=bool)
    for region in regions:
        if min(region.a1 - region.a0, region.b1 - region.b0) < params.min_words:
            continue  # too short to be a passage alone: its sentences may still be one
        settled |= (a0s >= region.a0) & (a1s <= region.a1) & (b0s >= region.b0) & (b1s <= region.b1)
    proposed: dict[tuple[int, int], list[int]] = {}
    for k in np.flatnonzero(~settled).tolist():
        i, j = int(seeds[k, 0]), int(seeds[k, 1])
        proposed.setdefault((int(of_a[k]), int(of_b[k])), []).append(j - i)
    found = []
    for (sentence_a, sentence_b), diagonals in proposed.items():
        a0, a1 = _sentence_span(sent_a, sentence_a)
        b0, b1 = _sentence_span(sent_b, sentence_b)
        shift = int(np.median(diagonals))  # b position = a position + shift
        if a1 - a0 <= b1 - b0:
            b0, b1 = max(b0, a0 + shift), min(b1, a1 + shift)
        else:
            a0, a1 = max(a0, b0 - shift), min(a1, b1 - shift)
        if (
            a0 < a1
            and b0 < b1
            and _dice(a.tokens.words[a0:a1], b.tokens.words[b0:b1]) >= similarity_floor
            and a.clear(a0, a1)
            and b.clear(b0, b1)
        ):
            found.append(_Region(a0, a1, b0, b1, len(diagonals)))
    return found


def _seeds_within(seeds: IntArray, region: _Region) -> int:
    """How many seeds start inside the region in both texts."""
    return int(
        np.count_nonzero(
            (seeds[:, 0] >= region.a0)
            & (seeds[:, 0] < region.a1)
            & (seeds[:, 1] >= region.b0)
            & (seeds[:, 1] < region.b1)
        )
    )


def _sentence_span(sentence_index: IntArray, sentence: int) -> tuple[int, int]:
    """Tokens ``[start, end)`` of one sentence."""
    start = int(np.searchsorted(sentence_index, sentence, side="left"))
    return start, int(np.searchsorted(sentence_index, sentence, side="right"))


def _dice(left: list[str], right: list[str]) -> float:
    if not left and not right:
        return 1.0
    set_left, set_right = set(left), set(right)
    return 2.0 * len(set_left & set_right) / (len(set_left) + len(set_right))


def _extend_exact(region: _Region, a: PreparedText, b: PreparedText) -> None:
    """Grow the region over identical words on both sides, never across a sentence end
    nor into excluded tokens."""
    words_a, words_b = a.tokens.words, b.tokens.words
    sent_a, sent_b = a.sentence_bounds[0], b.sentence_bounds[0]  # equal within a sentence
    guarded = a.blocked_totals is not None or b.blocked_totals is not None
    while (
        region.a0 > 0
        and region.b0 > 0
        and words_a[region.a0 - 1] == words_b[region.b0 - 1]
        and sent_a[region.a0 - 1] == sent_a[region.a0]
        and sent_b[region.b0 - 1] == sent_b[region.b0]
        and (
            not guarded or (a.clear(region.a0 - 1, region.a0) and b.clear(region.b0 - 1, region.b0))
        )
    ):
        region.a0 -= 1
        region.b0 -= 1
    while (
        region.a1 < len(words_a)
        and region.b1 < len(words_b)
        and words_a[region.a1] == words_b[region.b1]
        and sent_a[region.a1] == sent_a[region.a1 - 1]
        and sent_b[region.b1] == sent_b[region.b1 - 1]
        and (
            not guarded or (a.clear(region.a1, region.a1 + 1) and b.clear(region.b1, region.b1 + 1))
        )
    ):
        region.a1 += 1
        region.b1 += 1


def _trim_fragments(region: _Region, a: PreparedText, b: PreparedText, params: AlignParams) -> None:
    """Drop a tail of fewer than ``ngram`` words left over from the neighbouring sentence.

    A seed n-gram may straddle a sentence end ("... on Friday. The copied
    paragraph ..."); the few words it carries from the other sentence are not
    reuse unless the whole sentence matches, which snapping decides later.
    """
    (firsts_a, stops_a), (firsts_b, stops_b) = a.sentence_bounds, b.sentence_bounds
    n = params.ngram
    head_a, head_b = stops_a[region.a0], stops_b[region.b0]
    if (
        head_a - region.a0 < n
        and head_b - region.b0 < n
        and head_a < region.a1
        and head_b < region.b1
        and head_a - region.a0 == head_b - region.b0
    ):
        region.a0, region.b0 = head_a, head_b
    tail_a, tail_b = firsts_a[region.a1 - 1], firsts_b[region.b1 - 1]
    if (
        region.a1 - tail_a < n
        and region.b1 - tail_b < n
        and tail_a > region.a0
        and tail_b > region.b0
        and region.a1 - tail_a == region.b1 - tail_b
    ):
        region.a1, region.b1 = tail_a, tail_b


def _snap(region: _Region, a: PreparedText, b: PreparedText, params: AlignParams) -> None:
    """Pull in similar sentence fragments left outside the region at either end."""
    (firsts_a, stops_a), (firsts_b, stops_b) = a.sentence_bounds, b.sentence_bounds
    words_a, words_b = a.tokens.words, b.tokens.words
    # left end: tokens of the same sentence before the region
    first_a, first_b = firsts_a[region.a0], firsts_b[region.b0]
    frag_a = words_a[first_a : region.a0]
    frag_b = words_b[first_b : region.b0]
    if (
        (frag_a or frag_b)
        and max(len(frag_a), len(frag_b)) <= params.snap_words
        and a.clear(first_a, region.a0)
        and b.clear(first_b, region.b0)
        and _dice(frag_a, frag_b) >= params.snap_similarity
    ):
        region.a0, region.b0 = first_a, first_b
    # right end: tokens of the same sentence after the region
    last_a, last_b = stops_a[region.a1 - 1], stops_b[region.b1 - 1]
    frag_a = words_a[region.a1 : last_a]
    frag_b = words_b[region.b1 : last_b]
    if (
        (frag_a or frag_b)
        and max(len(frag_a), len(frag_b)) <= params.snap_words
        and a.clear(region.a1, last_a)
        and b.clear(region.b1, last_b)
        and _dice(frag_a, frag_b) >= params.snap_similarity
    ):
        region.a1, region.b1 = last_a, last_b


_OPENERS = "\"'“‘(["
_CLOSERS = ".!?,;:\"'”’)]"


def _char_bounds(region: _Region, a: PreparedText, b: PreparedText) -> tuple[int, int, int, int]:
    """Character offsets of a region, with identical surrounding punctuation pulled in."""
    a_start = int(a.tokens.starts[region.a0])
    b_start = int(b.tokens.starts[region.b0])
    a_end = int(a.tokens.ends[region.a1 - 1])
    b_end = int(b.tokens.ends[region.b1 - 1])
    text_a, text_b = a.text, b.text
    while (
        a_start > 0
        and b_start > 0
        and text_a[a_start - 1] == text_b[b_start - 1]
        and text_a[a_start - 1] in _OPENERS
        and not a.in_spans(a_start - 1, a_start)
        and not b.in_spans(b_start - 1, b_start)
    ):
        a_start -= 1
        b_start -= 1
    while (
        a_end < len(text_a)
        and b_end < len(text_b)
        and text_a[a_end] == text_b[b_end]
        and text_a[a_end] in _CLOSERS
        and not a.in_spans(a_end, a_end + 1)
        and not b.in_spans(b_end, b_end + 1)
    ):
        a_end += 1
        b_end += 1
    return a_start, a_end, b_start, b_end


def _to_passage(region: _Region, a: PreparedText, b: PreparedText) -> tuple[Passage, list[Opcode]]:
    words_a = a.tokens.words[region.a0 : region.a1]
    words_b = b.tokens.words[region.b0 : region.b1]
    opcodes = word_opcodes(words_a, words_b)
    matches, substitutions, insertions, deletions = edit_counts(opcodes)
    score = 2.0 * matches / (len(words_a) + len(words_b))
    a_start, a_end, b_start, b_end = _char_bounds(region, a, b)
    passage = Passage(
        a_start=a_start,
        a_end=a_end,
        b_start=b_start,
        b_end=b_end,
        score=round(score, 6),
        matches=matches,
        substitutions=substitutions,
        insertions=insertions,
        deletions=deletions,
        a_words=len(words_a),
        b_words=len(words_b),
    )
    return passage, opcodes


def align_prepared(a: PreparedText, b: PreparedText, params: AlignParams) -> list[Passage]:
    """All reused passages between two prepared texts, ordered by position in ``a``."""
    return [passage for passage, _ in align_prepared_with_opcodes(a, b, params)]


def align_prepared_with_opcodes(
    a: PreparedText, b: PreparedText, params: AlignParams
) -> list[tuple[Passage, list[Opcode]]]:
    """:func:`align_prepared`, each passage with the word edit script of its tokens
    (:func:`~textreuse.core.word_diff.word_opcodes`), for its rewrite profile."""
    seeds = find_seeds(a.gram_index, b.gram_index, params.max_seed_repeats)
    if len(seeds) < params.min_seeds:
        return []
    n = params.ngram
    guarded = a.blocked_totals is not None or b.blocked_totals is not None
    chains = chain_seeds(seeds, n, params.max_gap, params.max_drift)
    if guarded:
        chains = [part for chain in chains for part in _split_chain(chain, a, b, n)]
    regions = [
        _Region(chain[0][0], chain[-1][0] + n, chain[0][1], chain[-1][1] + n, len(chain))
        for chain in chains
        if len(chain) >= params.min_seeds
    ]
    if not regions and params.sentence_similarity is None:
        return []
    guard_a, guard_b = (a, b) if guarded else (None, None)
    regions = _merge_regions(regions, params.max_gap, guard_a, guard_b)
    for region in regions:
        _extend_exact(region, a, b)
        _trim_fragments(region, a, b, params)
        _snap(region, a, b, params)
    sentences: list[_Region] = []
    if params.sentence_similarity is not None:
        seed_array = np.asarray(seeds, dtype=np.int64).reshape(-1, 2)
        sentences = _sentence_regions(seed_array, regions, a, b, params)
    regions = _merge_regions(regions + sentences, 0, guard_a, guard_b)
    regions = [r for r in regions if min(r.a1 - r.a0, r.b1 - r.b0) >= params.min_words]
    if sentences:  # a passage needs min_seeds seeds, wherever its parts came from
        regions = [r for r in regions if _seeds_within(seed_array, r) >= params.min_seeds]
    kept = _one_to_one(regions, params.min_words)
    passages = [_to_passage(region, a, b) for region in kept]
    if a.spans or b.spans:  # a last guard: no passage ever overlaps an excluded span
        passages = [
            (p, opcodes)
            for p, opcodes in passages
            if not a.in_spans(p.a_start, p.a_end) and not b.in_spans(p.b_start, p.b_end)
        ]
    passages.sort(key=lambda found: (found[0].a_start, found[0].b_start))
    return passages


def align(text_a: str, text_b: str, params: AlignParams | None = None) -> list[Passage]:
    """All reused passages between two texts (see the module docstring)."""
    params = params or AlignParams()
    return align_prepared(
        PreparedText(text_a, params.ngram), PreparedText(text_b, params.ngram), params
    )
