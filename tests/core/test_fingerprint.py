"""Tests for textreuse.core.fingerprint: word and n-gram hashes, text hashes."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.core.fingerprint import (
    distinct_row_grams,
    grams_touching,
    ngram_hashes,
    text_hash,
    word_hashes,
)

SENTENCE = (
    "the harbour authority said on thursday that the new container terminal would open "
    "in the spring and that the harbour authority expected traffic to double"
)


def _grams(word_list: list[str], n: int) -> np.ndarray:
    return ngram_hashes(word_hashes(word_list), n)


# --- word and n-gram hashes ---------------------------------------------------


_ROWS = st.lists(
    st.lists(st.tuples(st.sampled_from("abcdefg"), st.booleans()), max_size=14), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(_ROWS, st.integers(1, 5), st.booleans())
def test_distinct_row_grams_is_numpy_unique_row_by_row(
    rows: list[list[tuple[str, bool]]], n: int, with_blocked: bool
) -> None:
    expected_rows: list[int] = []
    expected_grams: list[int] = []
    for index, row in enumerate(rows):
        grams = _grams([word for word, _ in row], n)
        if with_blocked:
            grams = grams[~grams_touching(np.array([b for _, b in row], dtype=bool), n)]
        distinct = np.unique(grams).tolist()
        expected_rows += [index] * len(distinct)
        expected_grams += distinct
    every_word = [word for row in rows for word, _ in row]
    blocked = np.array([b for row in rows for _, b in row], dtype=bool)
    found_rows, found_grams = distinct_row_grams(
        word_hashes(every_word),
        np.array([len(row) for row in rows], dtype=np.int64),
        n,
        blocked if with_blocked else None,
    )
    assert found_rows.tolist() == expected_rows
    assert found_grams.tolist() == expected_grams
    assert found_grams.dtype == np.int64


def test_word_hashes_are_xxh64_of_utf8() -> None:
    sample = ["nato", "zürich", "日本", ""]
    got = word_hashes(sample)
    assert got.dtype == np.uint64
    assert got.tolist() == [xxhash.xxh64_intdigest(w.encode("utf-8")) for w in sample]


def test_word_hashes_cached_and_uncached_agree() -> None:
    first = word_hashes(["reservoir", "drought", "reservoir"])
    again = word_hashes(["drought", "reservoir"])
    assert first[0] == first[2] == again[1]
    assert first[1] == again[0]
    assert first[0] != first[1]


def test_ngram_hashes_deterministic_and_typed() -> None:
    ws = SENTENCE.split()
    first = _grams(ws, 4)
    second = _grams(list(ws), 4)
    assert first.dtype == np.int64
    assert len(first) == len(ws) - 3
    np.testing.assert_array_equal(first, second)


def test_ngram_hashes_same_in_another_process() -> None:
    # Hashes are stored in indexes and compared across workers: they must not
    # depend on the process (e.g. on Python's randomised str hashing).
    code = (
        "from textreuse.core.fingerprint import ngram_hashes, word_hashes;"
        f"print(ngram_hashes(word_hashes({SENTENCE.split()!r}), 4).tolist())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert ast.literal_eval(out) == _grams(SENTENCE.split(), 4).tolist()


def test_ngram_hashes_position_aligned() -> None:
    ws = SENTENCE.split()
    n = 3
    grams = _grams(ws, n).tolist()
    by_gram: dict[tuple[str, ...], set[int]] = {}
    for i, h in enumerate(grams):
        by_gram.setdefault(tuple(ws[i : i + n]), set()).add(h)
    # "the harbour authority" occurs twice: same hash at both positions
    first = ws.index("harbour") - 1
    second = len(ws) - 1 - ws[::-1].index("harbour") - 1
    assert first != second
    assert grams[first] == grams[second]
    # each distinct n-gram has exactly one hash, and distinct n-grams differ
    assert all(len(hashes) == 1 for hashes in by_gram.values())
    distinct_hashes = {next(iter(hashes)) for hashes in by_gram.values()}
    assert len(distinct_hashes) == len(by_gram)


def test_ngram_hash_depends_on_word_order() -> None:
    assert _grams(["new", "york", "times"], 3)[0] != _grams(["times", "new", "york"], 3)[0]
    assert _grams(["a", "b"], 2)[0] != _grams(["b", "a"], 2)[0]


def test_ngram_hashes_element_matches_standalone_ngram() -> None:
    ws = SENTENCE.split()
    grams = _grams(ws, 5)
    for i in (0, 7, len(ws) - 5):
        assert grams[i] == _grams(ws[i : i + 5], 5)[0]


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_ngram_hashes_empty_when_too_few_words(n: int) -> None:
    assert len(_grams(["only"] * (n - 1), n)) == 0
    assert _grams([], n).dtype == np.int64
    assert len(_grams(["w"] * n, n)) == 1


def test_unigram_hashes_distinguish_words() -> None:
    vocab = [f"word{i}" for i in range(500)]
    assert len(set(_grams(vocab, 1).tolist())) == 500


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["the", "vote", "was", "delayed", "again"]), max_size=30),
    st.integers(1, 5),
)
def test_ngram_hashes_equal_iff_ngrams_equal(ws: list[str], n: int) -> None:
    grams = _grams(ws, n).tolist()
    assert len(grams) == max(0, len(ws) - n + 1)
    for i in range(len(grams)):
        for j in range(i + 1, len(grams)):
            same_words = ws[i : i + n] == ws[j : j + n]
            assert (grams[i] == grams[j]) == same_words


# --- text_hash -------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Rain is expected across the region on Friday.",
        "  Rain is expected across the region on Friday.  ",
        "Rain  is expected\nacross the region\r\non Friday.",
        "Rain\tis expected across\u00a0the region on Friday.\n\n",
    ],
)
def test_text_hash_ignores_white_space(variant: str) -> None:
    assert text_hash(variant) == text_hash("Rain is expected across the region on Friday.")


def test_text_hash_differs_for_different_text() -> None:
    base = text_hash("Rain is expected across the region on Friday.")
    assert isinstance(base, int)
    assert -(2**63) <= base < 2**63
    assert text_hash("Rain is expected across the region on Saturday.") != base
    assert text_hash("Rain is expected across the region on Friday!") != base
    assert text_hash("Rainis expected across the region on Friday.") != base
    assert text_hash("") != base
