"""Corpus statistics: lines repeated across many documents of one site.

Site templates (headers, footers, newsletter boxes, the same bio under every
article of an author) repeat *verbatim* on many pages of the same site. Like
CCNet, each line is normalised (lowercased, digits to 0, punctuation removed,
white space collapsed) and hashed; a line whose hash appears in at least
``boilerplate_min_docs`` distinct texts of one site, and in at least
``boilerplate_min_share`` of that site's distinct texts, is boilerplate
everywhere on that site.

This module does the per-document part (hashes with the line blocks they
cover), which runs in the ingest stream. The counting over the corpus is the
relational step :data:`textreuse.engine.plan.REPEATED_LINES`, so the corpus is
never held in memory.

A document's site is its ``site`` field, or the host of its ``url`` (without
``www.``) when ``site`` is missing. Documents with neither get no corpus
statistics: a line repeated across many unrelated sources is as likely to be a
quoted statement (real reuse) as a template.
"""

from __future__ import annotations

import re
import string
from urllib.parse import urlsplit

import numpy as np
import xxhash

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_DIGIT = re.compile(r"\d")
# the same for ASCII text, much faster
_ASCII_TABLE = str.maketrans("123456789", "000000000", string.punctuation)


def _normal_text(text: str) -> str:
    """Lowercase, digits to ``0``, punctuation removed (line breaks kept)."""
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE)
    return _DIGIT.sub("0", _PUNCTUATION.sub("", text.lower()))


def normalize_line(line: str) -> str:
    """CCNet normal form: lowercase, digits to ``0``, no punctuation, single spaces."""
    return " ".join(_normal_text(line).split())


def line_hashes(text: str) -> tuple[list[int], list[int], list[int]]:
    """``(starts, ends, hashes)`` of every non-blank line of ``text``.

    ``starts``/``ends`` are the line's block (see :mod:`textreuse.boilerplate.spans`);
    ``hashes`` are signed 64-bit xxHash64 values of :func:`normalize_line`.
    Lines that normalise to nothing (punctuation only) are left out.
    """
    # normalise the whole text at once: line breaks survive, so lines still pair up
    normal = _normal_text(text).split("\n")
    raw = text.split("\n")
    starts: list[int] = []
    ends: list[int] = []
    hashes: list[int] = []
    digest = xxhash.xxh64_intdigest
    pos = 0
    for raw_line, normal_line in zip(raw, normal, strict=True):
        if not raw_line.isspace() and raw_line:
            if len(ends) < len(starts):
                ends.append(pos)  # the previous line's block ends where this line starts
            key = " ".join(normal_line.split())
            if key:
                starts.append(pos)
                hashes.append(digest(key.encode("utf-8")))
        pos += len(raw_line) + 1
    if len(ends) < len(starts):
        ends.append(len(text))
    signed = np.array(hashes, dtype=np.uint64).view(np.int64).tolist() if hashes else []
    return starts, ends, signed


def site_key(site: str | None, url: str | None) -> str | None:
    """The site whose template a document shares: ``site``, else the URL's host."""
    if site is not None and site.strip():
        return site.strip().lower()
    if url:
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:
            return None
        if host:
            return host.removeprefix("www.")
    return None
