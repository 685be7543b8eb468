"""WARC archives (``.warc``, ``.warc.gz``) to page tasks, read with fastwarc.

Every record is numbered from 1 in file order (location ``record N``), whatever its type:

* ``response`` records (HTTP) and ``resource`` records whose content type is HTML
  (``text/html``, ``application/xhtml+xml``; with no content type, a payload starting
  with ``<!doctype html`` or ``<html``) become a :class:`~textreuse.io.html.PageTask`;
* ``response`` / ``resource`` records that are not HTML, and HTTP responses whose status
  is not 2xx, are rejected with the reason (they are pages, so they are listed);
* the other record types (``warcinfo``, ``request``, ``metadata``, ``revisit``, ...) are
  not pages: they are counted by type, never listed one by one;
* a truncated record (fewer payload bytes than its ``Content-Length``), a payload whose
  HTTP ``Content-Encoding`` cannot be undone, and a page over the size limit are rejected;
  a stream that cannot be read further (corrupt gzip, invalid WARC header) yields one
  rejection at ``record N onwards`` and ends the file.

The page id is the record's ``WARC-Target-URI``; the reader falls back to its
``WARC-Record-ID`` when that URI was already used by an earlier record (so a URI crawled
twice keeps both captures) or when the record has no URI.
"""

from __future__ import annotations

import io
import uuid
import zlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from textreuse.io.formats import FileProblem, RawRecord
from textreuse.io.html import PageTask

__all__ = ["read_warc", "warc_response_record"]

HTML_TYPES = ("text/html", "application/xhtml+xml")
_PAGE_TYPES = ("response", "resource")


def read_warc(
    path: str, max_bytes: int, on_skip: Callable[[str], None], data: bytes | None = None
) -> Iterator[PageTask | RawRecord]:
    """Yield a :class:`PageTask` per HTML record and a :class:`RawRecord` per rejected one.

    ``data`` holds the file's bytes when they were read elsewhere (a Spark task);
    ``path`` then only names the file. ``on_skip(type)`` is called for each record
    that is not a page (``request``, ...). Raises :class:`FileProblem` when the file
    cannot be opened or is not a WARC at all.
    """
    from fastwarc.warc import ArchiveIterator

    handle: BinaryIO
    if data is not None:
        handle = io.BytesIO(data)
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise FileProblem(f"cannot read file: {exc.strerror or exc}") from exc
    with handle:
        records = iter(ArchiveIterator(handle, parse_http=True, auto_decode="none"))
        number = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except (OSError, ValueError) as exc:
                if number == 0:
                    raise FileProblem(f"not a readable WARC file: {exc}") from exc
                yield RawRecord(
                    f"record {number + 1} onwards",
                    error=f"cannot read WARC: {exc}; rest of the file skipped",
                )
                return
            number += 1
            record_type = (record.headers.get("WARC-Type") or "unknown").strip().lower()
            if record_type not in _PAGE_TYPES:
                on_skip(record_type)
                continue
            yield _page(record, record_type, f"record {number}", path, max_bytes)


def _page(record: Any, record_type: str, location: str, path: str, max_bytes: int) -> Any:
    uri = record.headers.get("WARC-Target-URI") or None
    record_id = record.record_id or None
    doc_id = uri or record_id
    fields = {"id": doc_id} if doc_id else None
    if doc_id is None:
        return RawRecord(
            location, error="WARC record has neither WARC-Target-URI nor WARC-Record-ID"
        )
    if record_type == "response" and record.is_http:
        status = record.http_headers.status_code
        content_type = record.http_content_type
        charset = record.http_charset
        if status is None or not 200 <= status < 300:
            return RawRecord(location, fields, f"HTTP status {status} in WARC response record")
    else:
        content_type, charset = _content_type(record.headers.get("Content-Type"))
    expected = record.content_length
    body = record.reader.read(max_bytes + 1) if expected <= max_bytes else None
    if body is not None and len(body) < expected:
        return RawRecord(
            location, fields, f"truncated WARC record: {len(body)} of {expected} bytes"
        )
    if content_type is not None and content_type.lower() not in HTML_TYPES:
        return RawRecord(
            location, fields, f"not an HTML page: WARC {record_type} record of type {content_type}"
        )
    if body is None:
        reason = f"page has {expected} bytes, more than {max_bytes} (10 x --max-doc-chars)"
        return RawRecord(location, fields, reason)
    if record_type == "response" and record.is_http:
        body, problem = _undo_http_encoding(body, record.http_headers)
        if body is None:
            return RawRecord(location, fields, problem)
    if content_type is None and not _looks_like_html(body):
        return RawRecord(
            location, fields, f"not an HTML page: WARC {record_type} record with no content type"
        )
    return PageTask(
        source=path,
        location=location,
        doc_id=doc_id,
        fallback_id=record_id if record_id != doc_id else None,
        data=body,
        charset=charset,
        url=uri,
        max_bytes=max_bytes,
    )


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    media, *params = (part.strip() for part in value.split(";"))
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media or None, charset


def _undo_http_encoding(body: bytes, headers: Any) -> tuple[bytes | None, str]:
    """Undo chunked transfer coding and gzip / deflate content coding."""
    transfer = (headers.get("Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        body, ok = _dechunk(body)
        if not ok:
            return None, "malformed chunked HTTP body"
    coding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if coding in ("identity", ""):
        return body, ""
    if coding not in ("gzip", "x-gzip", "deflate"):
        return None, f"unsupported HTTP Content-Encoding '{coding}'"
    try:
        if coding == "deflate":
            try:
                return zlib.decompress(body), ""
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS), ""
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        data = inflater.decompress(body)
        if not inflater.eof:
            return None, f"truncated {coding} HTTP body"
        return data, ""
    except zlib.error as exc:
        return None, f"corrupt {coding} HTTP body: {exc}"


def _dechunk(body: bytes) -> tuple[bytes, bool]:
    out = bytearray()
    pos = 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            return bytes(out), False
        try:
            size = int(body[pos:end].split(b";")[0].strip(), 16)
        except ValueError:
            return bytes(out), False
        if size == 0:
            return bytes(out), True
        out += body[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def warc_response_record(
    uri: str,
    payload: bytes,
    content_type: str = "text/html; charset=utf-8",
    *,
    status: str = "200 OK",
    record_id: str | None = None,
    date: str = "2025-01-01T00:00:00Z",
) -> bytes:
    """One WARC/1.0 ``response`` record (uncompressed) for ``payload`` fetched from ``uri``.

    For tests and benchmarks; gzip each record separately to make a ``.warc.gz``.
    """
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode("latin-1") + payload
    record_id = record_id or f"<urn:uuid:{uuid.uuid4()}>"
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
        f"WARC-Record-ID: {record_id}\r\nWARC-Date: {date}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"
