"""Boilerplate detection: page furniture that must never count as reuse.

* :mod:`~textreuse.boilerplate.patterns`: known CMS furniture lines and the
  page tail (comment forms, teasers, author boxes), per language;
* :mod:`~textreuse.boilerplate.repeated`: corpus statistics, lines repeated
  across many documents of one site (the counting is a relational step of
  :mod:`textreuse.engine.plan`);
* :mod:`~textreuse.boilerplate.spans`: merging, coverage and removal of spans.

Everything here is pure: strings in, spans out.
"""

from textreuse.boilerplate.patterns import PATTERNS, LanguagePatterns, Pattern, find_boilerplate
from textreuse.boilerplate.repeated import line_hashes, normalize_line, site_key
from textreuse.boilerplate.spans import Span, covers_text, merge_spans, remove_spans

__all__ = [
    "PATTERNS",
    "LanguagePatterns",
    "Pattern",
    "Span",
    "covers_text",
    "find_boilerplate",
    "line_hashes",
    "merge_spans",
    "normalize_line",
    "remove_spans",
    "site_key",
]
