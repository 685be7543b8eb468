"""Publication dates: any common written form to a UTC instant.

Pure functions; no I/O. A date is ``ok`` (parsed), ``missing`` (no value, or
only white space) or ``unparseable`` (a value that is not a date, or lacks a
day, month or year). Nothing is ever guessed to fill a gap: ``"March 3"``
(no year) and ``"14:00"`` (no day) are unparseable, not this year's or today's.

Accepted forms include ISO 8601 (``2025-03-03``, ``2025-03-03T14:00:00+02:00``,
``20250303``), RFC 2822 (``Mon, 03 Mar 2025 14:00:00 +0200``), written dates
(``March 3, 2025``, ``3 March 2025 2pm EST``; also in French, German, Spanish,
Italian, Portuguese and Dutch: ``jeudi 3 mars 2025``, ``3. März 2025``, ``3 de
marzo de 2025``; and ``2025年3月3日``), ``2025-03-03 14:00 +0200`` and
numeric dates (``03/04/2025``: month first, as in the United States, unless the
first number is over 12; ``03.04.2025``, with dots, day first, as wherever dots
are written). A value of 9 to 10 digits is read as Unix seconds,
13 digits as Unix milliseconds. A date without a time is midnight; a time
without a time zone is taken as UTC. Zones are offsets (``+0200``; ``GMT+1`` and
``UTC-05:30`` as people mean them, ahead of and behind GMT, not the POSIX way
round), the abbreviations in ``_TZINFOS``, the United States' ``ET``, ``CT``, ``MT``
and ``PT``, and a trailing IANA zone name (``2025-03-03 14:00 Europe/Paris``); the
last two take daylight saving time from the date itself. A date naming a zone
outside them (an ambiguous ``IST``, say) is unparseable rather than taken as UTC.
A leading label, as pages print it (``Updated: March 3, 2025``, ``Published on``,
``Publié le``, ``Stand:``), is dropped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
#: United States zone names written without standard or daylight time ("2:00 PM ET"):
#: the zone's own rules pick the offset for the date.
_REGION_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
#: A trailing IANA zone name: "Europe/Paris", "America/Argentina/Buenos_Aires".
_IANA_ZONE = re.compile(r"\s\(?([A-Za-z]+(?:/[A-Za-z0-9_+-]+)+)\)?$")
#: An offset written after GMT or UTC ("14:00 GMT+1", "UTC-05:30"). People mean
#: "one hour ahead of GMT"; dateutil reads it the POSIX way round (behind), so it
#: is rewritten as a plain offset first.
_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b")
#: A label pages print before a date: "Updated:", "Last updated on", "Published",
#: "Publié le", "Mis à jour le", "Stand:", "Actualizado el", "Aggiornato il".
_LABEL = re.compile(
    r"^(?:(?:last|first|originally)\s+)?"
    r"(?:updated|published|posted|modified|created|released|dated|date"
    r"|publié|publie|mis à jour|aktualisiert|veröffentlicht|stand|publicado|actualizado"
    r"|atualizado|pubblicato|aggiornato|gepubliceerd|bijgewerkt)"
    r"(?:\s+(?:on|at|le|am|el|il|em|op))?\s*:?\s+",
    re.IGNORECASE,
)


# Month and weekday names (lowercase, full and usual abbreviations) of the languages
# besides English that most news is written in: French, German, Spanish, Italian,
# Portuguese and Dutch, in calendar order, added to dateutil's English names.
_MONTHS = (
    (
        "janvier",
        "janv",
        "januar",
        "jän",
        "jänner",
        "enero",
        "ene",
        "gennaio",
        "genn",
        "gen",
        "janeiro",
        "januari",
    ),
    (
        "février",
        "fevrier",
        "févr",
        "fevr",
        "februar",
        "febrero",
        "febbraio",
        "fevereiro",
        "fev",
        "februari",
    ),
    ("mars", "märz", "marz", "mär", "marzo", "março", "marco", "maart", "mrt"),
    ("avril", "avr", "abril", "abr", "aprile"),
    ("mai", "mayo", "maggio", "mag", "maio", "mei"),
    ("juin", "juni", "junio", "giugno", "giu", "junho"),
    ("juillet", "juil", "juli", "julio", "luglio", "lug", "julho"),
    ("août", "aout", "agosto", "ago", "augustus"),
    ("septembre", "septiembre", "setiembre", "settembre", "sett", "set", "setembro"),
    ("octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out"),
    ("novembre", "noviembre", "novembro"),
    ("décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre", "dezembro"),
)
_WEEKDAYS = (
    ("lundi", "montag", "lunes", "lunedì", "lunedi", "segunda", "maandag"),
    ("mardi", "dienstag", "martes", "martedì", "martedi", "terça", "terca", "dinsdag"),
    (
        "mercredi",
        "mittwoch",
        "miércoles",
        "miercoles",
        "mercoledì",
        "mercoledi",
        "quarta",
        "woensdag",
    ),
    ("jeudi", "donnerstag", "jueves", "giovedì", "giovedi", "quinta", "donderdag"),
    ("vendredi", "freitag", "viernes", "venerdì", "venerdi", "sexta", "vrijdag"),
    ("samedi", "samstag", "sonnabend", "sábado", "sabado", "sabato", "zaterdag"),
    ("dimanche", "sonntag", "domingo", "domenica", "zondag"),
)
#: Words between the parts of a written date in those languages: "5 de marzo de
#: 2025", "le 5 mai", "10:00 Uhr", "às 10:00", "alle ore 10", "om 10:00".
_JUMP = ("de", "del", "le", "el", "il", "à", "um", "uhr", "feira", "às", "alle", "ore", "om")


class _DateWords(date_parser.parserinfo):
    """dateutil's English date words, with those of :data:`_MONTHS`, :data:`_WEEKDAYS`
    and :data:`_JUMP` added."""

    MONTHS: ClassVar[list[tuple[str, ...]]] = [
        (*en, *more) for en, more in zip(date_parser.parserinfo.MONTHS, _MONTHS, strict=True)
    ]
    WEEKDAYS: ClassVar[list[tuple[str, ...]]] = [
        (*en, *more) for en, more in zip(date_parser.parserinfo.WEEKDAYS, _WEEKDAYS, strict=True)
    ]
    JUMP: ClassVar[list[str]] = [*date_parser.parserinfo.JUMP, *_JUMP]


_DATE_WORDS = _DateWords()
#: A Chinese, Japanese or Korean written date: 2025年3月5日, 2025년 3월 5일.
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")


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
    if name in _TZINFOS:
        return _TZINFOS[name]
    if name in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[name])
    raise _UnknownZone(name)


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
    text = _LABEL.sub("", value.strip())
    if _DIGITS.fullmatch(text) and len(text) in (9, 10, 13):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return ParsedDate(DATE_OK, round(seconds * 1_000_000))
    zone: tzinfo = UTC
    named = _IANA_ZONE.search(text)
    if named is not None:
        try:
            zone = ZoneInfo(named.group(1))
        except (ZoneInfoNotFoundError, ValueError):
            return ParsedDate(DATE_UNPARSEABLE)  # not a zone: never taken as UTC
        text = text[: named.start()].rstrip()
    moment = _parse_moment(text)
    if moment is None:
        return ParsedDate(DATE_UNPARSEABLE)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return ParsedDate(DATE_OK, _to_epoch_us(moment))


def _plain_offset(match: re.Match[str]) -> str:
    """``GMT+1`` as ``+0100``: the offset as people write it, ahead of GMT."""
    sign, hours, minutes = match.groups()
    return f"{sign}{int(hours):02d}{minutes or '00'}"


def _parse_moment(text: str) -> datetime | None:
    """``text`` as a date and time (naive when it names no zone), or None when
    it is not a date or lacks a day, month or year."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    text = _CJK_DATE.sub(r"\1-\2-\3 ", text)
    text = _GMT_OFFSET.sub(_plain_offset, text)
    dayfirst = _DOTTED_DAY_FIRST.match(text) is not None
    options = {"tzinfos": _zone, "dayfirst": dayfirst}
    try:
        first = date_parser.parse(text, _DATE_WORDS, default=_DEFAULT_1, **options)
        second = date_parser.parse(text, _DATE_WORDS, default=_DEFAULT_2, **options)
    except (ValueError, OverflowError, TypeError):  # _UnknownZone is a ValueError
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # a day, month or year is missing
    return first
