"""Per-document part of the corpus statistics: normalised line hashes and sites."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from textreuse.boilerplate import line_hashes, normalize_line, site_key


def test_normalize_line_like_ccnet() -> None:
    assert normalize_line("  Posted 3 March, 2024 — by ADMIN!  ") == "posted 0 march 0000 by admin"
    assert normalize_line("Share   this:") == "share this"
    assert normalize_line("___ ... ---") == ""


def test_lines_differing_in_case_digits_and_punctuation_hash_alike() -> None:
    text = "© 2023 The Gazette.\nbody line one\n\n© 2024 -- the GAZETTE!\n"
    starts, ends, hashes = line_hashes(text)
    assert len(hashes) == 3
    assert hashes[0] == hashes[2] != hashes[1]
    assert text[starts[0] : ends[0]] == "© 2023 The Gazette.\n"
    assert text[starts[1] : ends[1]] == "body line one\n\n"
    assert text[starts[2] : ends[2]] == "© 2024 -- the GAZETTE!\n"


@given(st.text(alphabet=st.sampled_from("ab1 .\n\r\t—"), max_size=60))
def test_line_blocks_tile_the_non_blank_lines(text: str) -> None:
    starts, ends, hashes = line_hashes(text)
    assert len(starts) == len(ends) == len(hashes)
    for start, end in zip(starts, ends, strict=True):
        assert 0 <= start < end <= len(text)
        assert start == 0 or text[start - 1] == "\n"
    for end, next_start in zip(ends, starts[1:], strict=False):
        assert end <= next_start
    assert all(-(2**63) <= h < 2**63 for h in hashes)


def test_site_key_prefers_site_then_url_host() -> None:
    assert site_key("The Gazette ", "https://www.other.example/x") == "the gazette"
    assert site_key(None, "https://www.Gazette.example:8080/news/1") == "gazette.example"
    assert site_key("  ", "http://news.example") == "news.example"
    assert site_key(None, None) is None
    assert site_key(None, "not a url") is None
    assert site_key(None, "http://[::1") is None
