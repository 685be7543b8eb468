"""Publication dates: any common written form to a UTC instant.

Pure functions; no I/O. A date is ``ok`` (parsed), ``missing`` (no value, or
only white space) or ``unparseable`` (a value that is not a date, or lacks a
day, month or year). Nothing is ever guessed to fill a gap: ``"March 3"``
(no year) and ``"14:00"`` (no day) are unparseable, not this year's or today's.

Accepted forms include ISO 8601 (``2025-03-03``, ``2025-03-03T14:00:00+02:00``,
``20250303``), RFC 2822 (``Mon, 03 Mar 2025 14:00:00 +0200``), written dates
(``March 3, 2025``, ``3 March 2025 2pm EST``), ``2025-03-03 14:00 +0200`` and
numeric dates (``03/04/2025``: month first, as in the United States, unless the
first number is over 12; ``03.04.2025``, with dots, day first, as wherever dots
are written). A value of 9 to 10 digits is read as Unix seconds,
13 digits as Unix milliseconds. A date without a time is midnight; a time
without a time zone is taken as UTC. Zone abbreviations are those in ``_TZINFOS``;
a date naming a zone outside it (an ambiguous ``IST``, say) is unparseable rather
than taken as UTC.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from dateutil import parser as date_parser
from dateutil import tz

DATE_OK = "ok"
DATE_MISSING = "missing"
DATE_UNPARSEABLE = "unparseable"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DIGITS = re.compile(r"\d+")
_DOTTED_DAY_FIRST = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}\b")
# Two defaults that differ in every field: a field copied from the default was not in the text.
_DEFAULT_1 = datetime(2001, 1, 1)
_DEFAULT_2 = datetime(2002, 2, 2)
# Zone abbreviations common in news datelines (dateutil knows only UTC/GMT by itself).
# Ambiguous ones are left out (IST: India, Ireland or Israel; AST: Atlantic or Arabia),
# and CST is North American Central time, BST British Summer Time.
_TZINFOS = {
    name: tz.tzoffset(name, round(hours * 3600))
    for name, hours in {
        "HST": -10,
        "AKST": -9,
        "AKDT": -8,
        "PST": -8,
        "PDT": -7,
        "MST": -7,
        "MDT": -6,
        "CST": -6,
        "CDT": -5,
        "EST": -5,
        "EDT": -4,
        "WET": 0,
        "WEST": 1,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "EET": 2,
        "EEST": 3,
        "MSK": 3,
        "PKT": 5,
        "WIB": 7,
        "HKT": 8,
        "SGT": 8,
        "AWST": 8,
        "JST": 9,
        "KST": 9,
        "ACST": 9.5,
        "AEST": 10,
        "AEDT": 11,
        "NZST": 12,
        "NZDT": 13,
    }.items()
}


class _UnknownZone(ValueError):
    """A zone name outside ``_TZINFOS``: the date is unparseable, not taken as UTC."""


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's zone lookup (called for every parse): an offset dateutil read
    (``+0200``, ``UTC``), else a name of ``_TZINFOS``, else :class:`_UnknownZone`.
    Unlike dateutil's own fallbacks it never depends on this machine's local zone."""
    if offset is not None:
        return tz.UTC if offset == 0 else tz.tzoffset(name, offset)
    if name is None:
        return None
    try:
        return _TZINFOS[name]
    except KeyError:
        raise _UnknownZone(name) from None


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date: its status and, when ``ok``, microseconds since 1970-01-01 UTC."""

    status: str
    epoch_us: int | None = None


def _to_epoch_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta: timedelta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@functools.lru_cache(maxsize=65_536)
def parse_date(value: str | None) -> ParsedDate:
    """Parse one date value (cached: news corpora repeat the same dates)."""
    if value is None or not value.strip():
        return ParsedDate(DATE_MISSING)
    text = value.strip()
    if _DIGITS.fullmatch(text) and len(text) in (9, 10, 13):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return ParsedDate(DATE_OK, round(seconds * 1_000_000))
    try:
        return ParsedDate(DATE_OK, _to_epoch_us(datetime.fromisoformat(text)))
    except ValueError:
        pass
    dayfirst = _DOTTED_DAY_FIRST.match(text) is not None
    try:
        first = date_parser.parse(text, default=_DEFAULT_1, tzinfos=_zone, dayfirst=dayfirst)
        second = date_parser.parse(text, default=_DEFAULT_2, tzinfos=_zone, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):  # _UnknownZone is a ValueError
        return ParsedDate(DATE_UNPARSEABLE)
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return ParsedDate(DATE_UNPARSEABLE)  # a day, month or year is missing
    return ParsedDate(DATE_OK, _to_epoch_us(first))
