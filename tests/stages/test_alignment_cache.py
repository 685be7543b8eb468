"""The alignment workers' cache of prepared texts stays within its limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from textreuse.core.align import AlignParams
from textreuse.stages import alignment

PARAMS = AlignParams()


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(alignment, "_cache", type(alignment._cache)())
    monkeypatch.setattr(alignment, "_cached_chars", 0)
    yield


def _cached_keys() -> list[int]:
    return [key for key, _ in alignment._cache]


def test_the_oldest_texts_leave_when_the_characters_exceed_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(alignment, "_CACHE_CHAR_LIMIT", 100)
    for key in range(4):
        alignment._prepared(PARAMS, key, f"text {key} " + "word " * 7)  # 42 characters
    assert _cached_keys() == [2, 3]
    assert alignment._cached_chars == 84
    alignment._prepared(PARAMS, 2, "text 2 " + "word " * 7)  # a hit: now the newest
    alignment._prepared(PARAMS, 9, "short")
    assert _cached_keys() == [3, 2, 9]
    assert alignment._cached_chars == 89


def test_a_text_longer_than_the_limit_is_still_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alignment, "_CACHE_CHAR_LIMIT", 10)
    prepared = alignment._prepared(PARAMS, 1, "a text of more than ten characters")
    assert prepared.text == "a text of more than ten characters"
    assert _cached_keys() == [1]  # alone in the cache, until the next text
    alignment._prepared(PARAMS, 2, "another long text here")
    assert _cached_keys() == [2]
    assert alignment._cached_chars == len("another long text here")


def test_a_changed_text_replaces_its_entry_and_its_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alignment, "_CACHE_LIMIT", 2)
    alignment._prepared(PARAMS, 1, "first version")
    alignment._prepared(PARAMS, 2, "other")
    again = alignment._prepared(PARAMS, 1, "second, longer version")
    assert again.text == "second, longer version"
    assert _cached_keys() == [2, 1]
    assert alignment._cached_chars == len("other") + len("second, longer version")
    alignment._prepared(PARAMS, 3, "third")  # the count limit: key 2 leaves
    assert _cached_keys() == [1, 3]
