"""Tests for textreuse.core.fingerprint: n-gram hashes, MinHash, LSH bands, text hashes."""

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
    band_keys,
    minhash_signature,
    ngram_hashes,
    text_hash,
    word_hashes,
)
from textreuse.core.tokenize import words

SENTENCE = (
    "the harbour authority said on thursday that the new container terminal would open "
    "in the spring and that the harbour authority expected traffic to double"
)


def _grams(word_list: list[str], n: int) -> np.ndarray:
    return ngram_hashes(word_hashes(word_list), n)


# --- word and n-gram hashes ---------------------------------------------------


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


# --- MinHash ----------------------------------------------------------------------


def _jaccard_pair(rng: np.random.Generator, shared: int, only: int) -> tuple[np.ndarray, ...]:
    pool = rng.choice(2**62, size=shared + 2 * only, replace=False).astype(np.int64)
    pool = pool - np.int64(2**61)  # include negative hashes too
    common = pool[:shared]
    left = np.concatenate([common, pool[shared : shared + only]])
    right = np.concatenate([common, pool[shared + only :]])
    return left, right


@pytest.mark.parametrize(("shared", "only"), [(100, 900), (500, 500), (900, 100), (0, 800)])
def test_minhash_estimates_jaccard(shared: int, only: int) -> None:
    rng = np.random.default_rng(shared * 7 + only)
    left, right = _jaccard_pair(rng, shared, only)
    true_jaccard = shared / (shared + 2 * only)
    sig_left = minhash_signature(left, 128)
    sig_right = minhash_signature(right, 128)
    assert sig_left.dtype == np.uint64
    assert sig_left.shape == (128,)
    estimate = float(np.mean(sig_left == sig_right))
    assert abs(estimate - true_jaccard) <= 0.15


def test_minhash_identical_sets_and_duplicates() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(-(2**62), 2**62, size=300, dtype=np.int64)
    shuffled = rng.permutation(np.concatenate([values, values[:50]]))
    np.testing.assert_array_equal(minhash_signature(values, 64), minhash_signature(shuffled, 64))


def test_minhash_depends_on_seed_and_is_deterministic() -> None:
    values = np.arange(-500, 500, dtype=np.int64) * 7919
    np.testing.assert_array_equal(
        minhash_signature(values, 32, seed=5), minhash_signature(values.copy(), 32, seed=5)
    )
    assert not np.array_equal(
        minhash_signature(values, 32, seed=1), minhash_signature(values, 32, seed=2)
    )


def test_minhash_of_empty_set_is_all_max() -> None:
    sig = minhash_signature(np.empty(0, dtype=np.int64), 16)
    assert sig.shape == (16,)
    assert (sig == np.iinfo(np.uint64).max).all()


def test_minhash_of_text_shingles_near_duplicate() -> None:
    base = (
        "Emergency crews worked through the night to restore power to thousands of homes "
        "after a winter storm brought down lines across the northern counties, the utility "
        "company said in a statement on Sunday morning, adding that most customers should "
        "have electricity again by Monday evening."
    )
    edited = base.replace("Sunday morning", "Sunday").replace("thousands", "tens of thousands")
    other = (
        "The football club confirmed that its captain would miss the rest of the season "
        "with a knee injury sustained during training, a blow to its hopes of promotion."
    )
    sig = {
        name: minhash_signature(_grams(words(text), 3), 128)
        for name, text in (("base", base), ("edited", edited), ("other", other))
    }
    near = float(np.mean(sig["base"] == sig["edited"]))
    far = float(np.mean(sig["base"] == sig["other"]))
    assert near > 0.5
    assert far < 0.1


# --- LSH band keys --------------------------------------------------------------


def test_band_keys_equal_for_identical_signatures() -> None:
    values = np.arange(1, 400, dtype=np.int64) * 104729
    sig = minhash_signature(values, 64)
    keys = band_keys(sig, 16)
    assert keys.dtype == np.int64
    assert keys.shape == (16,)
    np.testing.assert_array_equal(keys, band_keys(sig.copy(), 16))


def test_band_keys_change_only_in_the_changed_band() -> None:
    values = np.arange(1, 400, dtype=np.int64) * 104729
    sig = minhash_signature(values, 64)
    changed = sig.copy()
    changed[21] ^= np.uint64(1)  # row 21 is in band 5 (4 rows per band)
    keys, other = band_keys(sig, 16), band_keys(changed, 16)
    differs = (keys != other).tolist()
    assert differs == [i == 5 for i in range(16)]


def test_band_keys_distinguish_bands_with_different_rows() -> None:
    sig = np.arange(64, dtype=np.uint64)
    assert len(set(band_keys(sig, 8).tolist())) == 8


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
