"""Hashes of words, word n-grams and whole texts.

All hashes are 64-bit and deterministic across processes and machines
(xxHash64 with a fixed seed), so any engine and any number of workers compute
the same values. They are returned as ``int64`` arrays, the type Parquet,
DuckDB and Spark share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)

_word_cache: dict[str, int] = {}
_WORD_CACHE_LIMIT = 2_000_000

Int64Array = npt.NDArray[np.int64]
UInt64Array = npt.NDArray[np.uint64]


def _hash_word(word: str) -> int:
    return xxhash.xxh64_intdigest(word.encode("utf-8"))


def word_hashes(words: Sequence[str]) -> UInt64Array:
    """64-bit hash of each word (cached per process)."""
    cache = _word_cache
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    for word in set(words).difference(cache):
        cache[word] = _hash_word(word)
    return np.fromiter(map(cache.__getitem__, words), dtype=np.uint64, count=len(words))


def _mix(values: UInt64Array) -> UInt64Array:
    """splitmix64 finaliser: spreads the bits of combined hashes."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX2
    return values ^ (values >> np.uint64(31))


def ngram_hashes(hashes: UInt64Array, n: int) -> Int64Array:
    """Hash of every run of ``n`` consecutive word hashes, position by position.

    Element ``i`` identifies words ``i .. i+n-1``. Empty when there are fewer
    than ``n`` words.
    """
    count = len(hashes) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    with np.errstate(over="ignore"):
        acc = hashes[:count].copy()
        for offset in range(1, n):
            acc = acc * _MULT + hashes[offset : offset + count]
        return _mix(acc).view(np.int64)


def distinct_row_grams(
    hashes: UInt64Array,
    lengths: npt.NDArray[np.int64],
    n: int,
    blocked: npt.NDArray[np.bool_] | None = None,
) -> tuple[Int64Array, Int64Array]:
    """The distinct n-gram hashes of several rows at once.

    ``hashes`` holds the word hashes of the rows laid end to end, ``lengths[r]``
    words for row ``r``; ``blocked`` (optional, one flag per word) marks words no
    n-gram may touch. Returns ``(rows, grams)``: each row's distinct n-grams within
    the row (:func:`ngram_hashes`), sorted by row, then by hash (as ``int64``), the
    same as :func:`numpy.unique` row by row. One pass over a whole batch costs far
    fewer numpy calls than one per row.
    """
    grams = ngram_hashes(hashes, n)
    if len(grams) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths)
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)[: len(grams)]
    inside = np.arange(n, len(grams) + n, dtype=np.int64) <= ends[rows]  # within its row
    if blocked is not None:
        inside &= ~grams_touching(blocked, n)
    rows, grams = rows[inside], grams[inside]
    order = np.lexsort((grams, rows))
    rows, grams = rows[order], grams[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (grams[1:] != grams[:-1])
    return rows[first], grams[first]


def grams_touching(blocked: npt.NDArray[np.bool_], n: int) -> npt.NDArray[np.bool_]:
    """For each n-gram position (as in :func:`ngram_hashes`), whether any of its
    ``n`` words is ``blocked``."""
    count = len(blocked) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=bool)
    totals = np.concatenate(([0], np.cumsum(blocked, dtype=np.int64)))
    return (totals[n : n + count] - totals[:count]) > 0


def text_hash(text: str) -> int:
    """Hash of the text with white space normalised: equal for exact duplicates."""
    return int(
        np.uint64(xxhash.xxh64_intdigest(" ".join(text.split()).encode("utf-8"))).view(np.int64)
    )
