"""HTML pages to text: charset decoding and main-text extraction (trafilatura).

One page is one :class:`PageTask`: either a file to read (``.html``, ``.htm``, optionally
gzip-compressed) or the payload of a WARC record. :func:`extract_page` turns it into a
:class:`PageResult` with the extracted main text and its metadata (title, author, date,
site name, URL), or with the reason the page cannot be used. It runs in worker processes
(see :mod:`textreuse.io.pages`), so it never raises: every problem becomes a reason.

Decoding (:func:`decode_html`), in this order:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) decides;
2. a page labelled UTF-16 or UTF-32 (HTTP header, then ``<meta>``) is decoded as labelled;
3. bytes that are valid UTF-8 are read as UTF-8, whatever the label says: multi-byte
   UTF-8 sequences practically never occur by chance in legacy-encoded text, and UTF-8
   mislabelled as ISO-8859-1 is the commonest charset error on the web;
4. the declared charset, HTTP ``Content-Type`` first and then ``<meta charset>`` /
   ``<meta http-equiv>``, if Python knows it and it decodes the bytes strictly;
5. charset detection (charset-normalizer);
6. UTF-8 with undecodable bytes replaced by U+FFFD.

How each page was decoded is counted (``ReadStats.html_decoding``), so wrong or missing
charsets show in the manifest. A page with a NUL byte (after step 2) is rejected as binary.

Offsets in the output refer to the extracted text (stored in ``documents.parquet``'s
``text``), never to the HTML.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from textreuse.errors import MissingExtraError
from textreuse.io.compression import (
    STREAM_ERRORS,
    NotCompressed,
    compression_of,
    decompressed,
    stream_problem,
    with_compressions,
)

__all__ = [
    "HTML_SUFFIXES",
    "PageResult",
    "PageTask",
    "decode_html",
    "extract_page",
    "read_page_file",
    "require_html_extra",
    "trafilatura_extract",
]

#: File name endings read as HTML pages (matched case-insensitively), plain or compressed.
HTML_SUFFIXES: tuple[str, ...] = with_compressions(".html", ".htm")

#: Fields an extraction function returns besides ``text``; they map onto RECORD_SCHEMA.
METADATA_KEYS: tuple[str, ...] = ("title", "author", "date", "site", "url")

#: ``extract(html, url)`` returns ``{"text": ..., "title": ..., ...}`` or None (no text).
Extractor = Callable[[str, str | None], Mapping[str, str | None] | None]

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_WIDE = ("utf-16", "utf-32")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def require_html_extra() -> None:
    """Raise :class:`MissingExtraError` unless the ``textreuse[html]`` packages import."""
    try:
        import fastwarc.warc  # noqa: F401
        import pebble  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("HTML and WARC input", "html") from exc


@dataclass(frozen=True, slots=True)
class PageTask:
    """One page to extract: a file at ``path`` or a WARC payload in ``data``.

    ``charset`` is the charset declared outside the page (the HTTP header), ``url`` the
    page's address when known (WARC-Target-URI), ``max_bytes`` the largest page accepted.
    ``fallback_id`` is the id to use when ``doc_id`` is already taken (WARC-Record-ID).
    """

    source: str
    location: str
    doc_id: str
    fallback_id: str | None = None
    path: str | None = None
    data: bytes | None = None
    charset: str | None = None
    url: str | None = None
    max_bytes: int = 50_000_000


@dataclass(frozen=True, slots=True)
class PageResult:
    """The extracted text and metadata of a page, or ``error`` saying why there is none.

    ``decoding`` says how the bytes were decoded (a key of ``ReadStats.html_decoding``).
    """

    text: str | None = None
    metadata: tuple[tuple[str, str | None], ...] = ()
    decoding: str | None = None
    error: str | None = None


def decode_html(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode an HTML page; returns ``(text, how)``. See the module docstring for the order.

    ``how`` is ``"bom"``, ``"declared"``, ``"utf-8"``, ``"detected"`` or
    ``"utf-8 with replacement"``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), "bom"
    labels = [label for label in (declared, _meta_charset(data)) if label]
    known = [name for name in map(_codec_name, labels) if name is not None]
    for name in known:
        if name.startswith(_WIDE):
            try:
                return data.decode(name), "declared"
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for name in known:
        try:
            return data.decode(name), "declared"
        except UnicodeDecodeError:
            continue
    detected = _detect(data)
    if detected is not None:
        return detected, "detected"
    return data.decode("utf-8", errors="replace"), "utf-8 with replacement"


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, 4096)
    return match.group(1).decode("ascii") if match else None


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # browsers read ISO-8859-1 and ASCII labels as windows-1252 (WHATWG Encoding)
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except LookupError:  # pragma: no cover - detector names a codec Python lacks
        return None


def trafilatura_extract(html: str, url: str | None) -> dict[str, str | None] | None:
    """Main text and metadata of a page with trafilatura (comments left out), or None."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    if document is None:
        return None
    return {
        "text": document.text,
        "title": document.title,
        "author": document.author,
        "date": document.date,
        "site": document.sitename,
        "url": url or document.url,
    }


def extract_page(task: PageTask, extract: Extractor | None = None) -> PageResult:
    """Read, decode and extract one page; never raises (a problem becomes ``error``)."""
    data, error = _page_bytes(task)
    if data is None:
        return PageResult(error=error)
    if not data.strip():
        return PageResult(error="empty page (no content)")
    text, how = decode_html(data, task.charset)
    nul = text.find("\x00")
    if nul >= 0:
        return PageResult(decoding=how, error=f"binary content (NUL at character {nul})")
    try:
        found = (extract or trafilatura_extract)(text, task.url)
    except Exception as exc:  # the extractor is third-party code: any failure is a reason
        return PageResult(decoding=how, error=f"cannot extract text: {type(exc).__name__}: {exc}")
    body = (found or {}).get("text")
    if not body or not body.strip():
        return PageResult(decoding=how, error="no main text found in the page")
    metadata = tuple((key, _clean(found, key)) for key in METADATA_KEYS) if found else ()
    return PageResult(text=body, metadata=metadata, decoding=how)


def _clean(found: Mapping[str, str | None], key: str) -> str | None:
    value = found.get(key)
    return (value.strip() or None) if isinstance(value, str) else None


def _page_bytes(task: PageTask) -> tuple[bytes | None, str]:
    """The page's bytes (a file is read and decompressed here), or None and the reason."""
    if task.data is not None:
        return task.data, ""
    if task.path is None:
        return None, "page has no content"
    try:
        with open(task.path, "rb") as handle:
            return read_page_file(task.path, handle, task.max_bytes)
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"


def read_page_file(name: str, handle: BinaryIO, limit: int) -> tuple[bytes | None, str]:
    """The bytes of the page file ``name`` open as ``handle`` (seekable; decompressed
    when ``name`` ends in a compression suffix, :mod:`textreuse.io.compression`), at
    most ``limit`` of them, or None and the reason."""
    format_name = compression_of(name)
    try:
        data = decompressed(handle, name).read(limit + 1)
    except NotCompressed as exc:
        return None, str(exc)
    except STREAM_ERRORS as exc:
        if format_name is None and isinstance(exc, OSError):
            return None, f"cannot read file: {exc.strerror or exc}"
        return None, stream_problem(exc, format_name)
    if len(data) > limit:
        return None, f"page has more than {limit} bytes (10 x --max-doc-chars)"
    return data, ""
