"""Format parsers behind :mod:`textreuse.io.readers`.

Each parser turns one input file into a stream of :class:`RawRecord` objects: the raw
field values of one record and where it came from, or a description of what made the
record unreadable. Parsers do not validate field types or ids; the reader does that the
same way for every format.

A parser raises :class:`FileProblem` when the whole file cannot be used (it cannot be
opened, it is not the format its name says, a required column is missing). When a file
breaks part-way (truncated gzip stream, undecodable CSV bytes, corrupt Parquet page) the
parser yields one record carrying the error at the place it broke and stops.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from textreuse.errors import ConfigError
from textreuse.io.compression import (
    STREAM_ERRORS,
    NotCompressed,
    compression_of,
    decompressed,
    stream_problem,
)
from textreuse.schema import METADATA_FIELDS, STATUS_REJECTED

#: Every column or key a record may carry; anything else is ignored.
KNOWN_FIELDS: tuple[str, ...] = ("id", "text", *METADATA_FIELDS)

_BOM = codecs.BOM_UTF8
#: Said with every text file that is not UTF-8: how to read one in a legacy encoding.
LEGACY_ENCODING_HINT = "a legacy encoding? try --txt-fallback-encoding cp1252"
#: A JSON ``\uD800``-``\uDFFF`` escape; only such lines can decode to unpaired surrogates.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
#: Splits a line at a lone carriage return (old Mac line ends), keeping the ``\r``.
_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


class FileProblem(Exception):
    """The whole file cannot be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class RawRecord:
    """One record as found in a file, before validation.

    ``fields`` maps known field names to raw values (absent keys stay absent).
    ``error`` is set when the record itself could not be parsed; ``fields`` may still
    hold whatever was recovered (for instance the id of an undecodable text file).
    """

    location: str
    fields: Mapping[str, object] | None = None
    error: str | None = None


def _cannot_open(exc: OSError) -> FileProblem:
    return FileProblem(f"cannot read file: {exc.strerror or exc}")


def type_name(value: object) -> str:
    """The JSON-ish name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


# --------------------------------------------------------------------------- JSON Lines


def _opened(path: str, data: bytes | None) -> IO[bytes]:
    """The file at ``path`` opened for reading, or ``data``: its bytes, already read
    (by a Spark task, from any file system Spark reaches)."""
    return io.BytesIO(data) if data is not None else open(path, "rb")


def read_jsonl(
    path: str, data: bytes | None = None, stream: IO[bytes] | None = None
) -> Iterator[RawRecord]:
    """Parse a JSON Lines file (optionally compressed: see
    :mod:`textreuse.io.compression`) line by line; ``data`` is the file's bytes when it
    was read elsewhere, ``stream`` an open stream of plain JSON Lines such as standard
    input, which is read but not closed (``path`` then only names them).

    Lines are split on ``\\n`` only and decoded as strict UTF-8 one at a time, so a bad
    line is reported with its byte offset and does not stop the file. Blank lines are
    skipped but still counted in line numbers. A UTF-8 byte-order mark before the first
    line is ignored. A file holding one JSON array (``[{...}, ...]``) is not JSON Lines:
    it is refused as a whole, saying so.
    """
    format_name = None if stream is not None else compression_of(path)
    with contextlib.ExitStack() as opened:
        if stream is None:
            raw_handle, handle = _opened_stream(path, data)
            opened.enter_context(raw_handle)
            opened.enter_context(handle)
        else:
            handle = stream
        line_no = 0
        seen_record = False
        while True:
            line_no += 1
            location = f"line {line_no}"
            try:
                raw = handle.readline()
            except STREAM_ERRORS as exc:
                problem = stream_problem(exc, format_name)
                yield RawRecord(location, error=f"{problem}; rest of the file skipped")
                return
            if not raw:
                return
            skipped = 0
            if line_no == 1 and raw.startswith(_BOM):
                raw, skipped = raw[len(_BOM) :], len(_BOM)
            if not raw.strip():
                continue
            record = _parse_json_line(raw, location, skipped)
            if not seen_record and record.error is not None:
                layout = _whole_file_json(raw)
                if layout:
                    raise FileProblem(
                        f"{layout}, not JSON Lines (one JSON object per line); convert it "
                        "to one object per line first, for example with jq -c '.[]'"
                    )
            seen_record = True
            yield record


def _opened_stream(path: str, data: bytes | None) -> tuple[IO[bytes], IO[bytes]]:
    """The file (or ``data``) opened, and the stream of its decompressed bytes."""
    try:
        raw_handle = _opened(path, data)
    except OSError as exc:
        raise _cannot_open(exc) from exc
    try:
        return raw_handle, decompressed(raw_handle, path)
    except (NotCompressed, OSError) as exc:
        raw_handle.close()
        raise FileProblem(str(exc)) from exc


def _whole_file_json(first_line: bytes) -> str | None:
    """How a file whose first line is ``first_line`` holds one JSON value for the
    whole file rather than JSON Lines, or None: ``[`` or ``{`` alone opens a
    pretty-printed value, and an array of objects may fill one line."""
    stripped = first_line.strip()
    if stripped == b"[":
        return "a JSON array"
    if stripped == b"{":
        return "one JSON object over several lines"
    if not stripped.startswith(b"["):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return "a JSON array" if stripped.startswith((b"[{", b"[ {")) else None
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return "a JSON array"
    return None


def _parse_json_line(raw: bytes, location: str, skipped: int) -> RawRecord:
    if raw.endswith(b"\n"):
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + skipped
        return RawRecord(location, error=f"invalid UTF-8 at byte offset {offset} of the line")
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        # ``msg`` can end in "at" ("Unterminated string starting at"); ``pos`` completes it.
        reason = exc.msg.removesuffix(" at")
        return RawRecord(location, error=f"malformed JSON: {reason} at column {exc.pos + 1}")
    except RecursionError:
        return RawRecord(location, error="malformed JSON: nested too deeply")
    if not isinstance(value, dict):
        return RawRecord(location, error=f"expected a JSON object, got {type_name(value)}")
    fields = {key: value[key] for key in KNOWN_FIELDS if key in value}
    if _SURROGATE_ESCAPE.search(raw):
        for key, item in fields.items():
            if isinstance(item, str) and not _encodable(item):
                return RawRecord(
                    location, fields, f"field '{key}' contains an unpaired surrogate escape"
                )
    return RawRecord(location, fields)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --------------------------------------------------------------------------------- CSV


class _DecodeFailure(Exception):
    def __init__(self, line_no: int, offset: int) -> None:
        super().__init__(line_no, offset)
        self.line_no = line_no
        self.offset = offset


def _decoded_lines(handle: IO[bytes]) -> Iterator[str]:
    """Yield the file's lines decoded as strict UTF-8, line ends kept untranslated.

    Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``, like ``open(newline='')``; the
    ``csv`` module rejoins the lines of multi-line quoted fields. Raises
    :class:`_DecodeFailure` with the exact line and byte offset of undecodable bytes.
    """
    line_no = 0
    for chunk in handle:
        pieces = _LONE_CR.split(chunk) if b"\r" in chunk else [chunk]
        for piece in pieces:
            if not piece:
                continue
            line_no += 1
            skipped = 0
            if line_no == 1 and piece.startswith(_BOM):
                piece, skipped = piece[len(_BOM) :], len(_BOM)
            try:
                yield piece.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _DecodeFailure(line_no, exc.start + skipped) from exc


def read_csv(
    path: str, data: bytes | None = None, *, tab_separated: bool = False
) -> Iterator[RawRecord]:
    """Parse a CSV file with a header row naming at least ``id`` and ``text``
    (``data``: its bytes, as for :func:`read_jsonl`). ``tab_separated``: a TSV file,
    fields separated by tabs and never quoted (a ``"`` is text), one row per line.

    Quoted fields may span lines; their line ends are kept exactly. Empty cells in
    optional metadata columns read as null. Locations are ``row N (line L)``: the N-th
    data row, starting on physical line L. Quoting is strict, so that no text is altered
    silently: a row whose closing quote is followed by other text (``"a"b``) is
    rejected and reading goes on at the next line, and a quoted field still open at the
    end of the file is rejected. Undecodable bytes stop the file with one record at
    ``row N onwards``.
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    format_name = compression_of(path)
    raw_handle, handle = _opened_stream(path, data)
    with raw_handle, handle:
        lines = _decoded_lines(handle)
        kind = "TSV" if tab_separated else "CSV"
        if tab_separated:
            reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
        else:
            reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
        except _DecodeFailure as exc:
            raise FileProblem(
                f"invalid UTF-8 in the header row at byte offset {exc.offset} of line {exc.line_no}"
            ) from exc
        except csv.Error as exc:
            raise FileProblem(f"malformed {kind} header row: {exc}") from exc
        except STREAM_ERRORS as exc:
            raise FileProblem(f"{stream_problem(exc, format_name)} in the header row") from exc
        if header is None:
            raise FileProblem(f"empty {kind} file: no header row")
        columns = _csv_columns(header)
        row_no = 0
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(reader, None)
            except _DecodeFailure as exc:
                yield RawRecord(
                    f"row {row_no + 1} onwards",
                    error=f"invalid UTF-8 at byte offset {exc.offset} of line {exc.line_no}; "
                    "rest of the file skipped",
                )
                return
            except STREAM_ERRORS as exc:
                yield RawRecord(
                    f"row {row_no + 1} onwards",
                    error=f"{stream_problem(exc, format_name)}; rest of the file skipped",
                )
                return
            except csv.Error as exc:
                row_no += 1
                yield RawRecord(
                    f"row {row_no} (line {start_line})",
                    error=_csv_syntax_reason(exc, start_line, reader.line_num),
                )
                continue
            if row is None:
                return
            if not row:
                continue
            row_no += 1
            yield _csv_record(row, columns, len(header), f"row {row_no} (line {start_line})")


def _csv_syntax_reason(exc: csv.Error, start_line: int, error_line: int) -> str:
    message = str(exc)
    if message == "unexpected end of data":
        return "malformed CSV: a quoted field is still open at the end of the file"
    if "expected after" in message:
        message = f"text after the closing quote of a quoted field ({message})"
    where = f" on line {error_line}" if error_line != start_line else ""
    return f"malformed CSV{where}: {message}"


def _csv_columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in KNOWN_FIELDS:
            columns.setdefault(name, index)
    missing = [name for name in ("id", "text") if name not in columns]
    if missing:
        raise FileProblem(
            f"missing required column {_quoted(missing)}; the header has {_quoted(header)}"
        )
    return columns


def _csv_record(row: list[str], columns: dict[str, int], width: int, location: str) -> RawRecord:
    fields: dict[str, object] = {}
    for name, index in columns.items():
        if index < len(row):
            value = row[index]
            fields[name] = None if value == "" and name in METADATA_FIELDS else value
    if len(row) > width:
        return RawRecord(location, fields, f"row has {len(row)} fields but the header has {width}")
    return RawRecord(location, fields)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


# ----------------------------------------------------------------------------- Parquet


#: Columns that mark a corpus written by textreuse: the corpus of ``textreuse ingest``
#: or a run's ``documents.parquet`` (``doc_id`` for ``id``, and each record's ``status``).
_CORPUS_COLUMNS = frozenset({"doc_id", "text", "status"})

#: Columns of such a corpus that say where each row was first read (file, place in it).
_ORIGIN_COLUMNS = ("source", "location")

#: Why a row rejected when such a corpus was written is rejected again when it is read.
CORPUS_REJECTED = "rejected when this textreuse corpus was written; its rejects file says why"


def is_textreuse_corpus(columns: Iterable[str]) -> bool:
    """Whether a Parquet file with these columns is a corpus written by textreuse."""
    names = set(columns)
    return names >= _CORPUS_COLUMNS and "id" not in names


def read_parquet(path: str, batch_rows: int, data: bytes | None = None) -> Iterator[RawRecord]:
    """Stream a Parquet file in batches of ``batch_rows`` rows, reading only known columns
    (``data``: its bytes, as for :func:`read_jsonl`).

    ``id`` may be a string or integer column, ``text`` must be a string column, metadata
    columns may be strings, numbers, dates or timestamps (converted to strings). Any other
    type, or a missing ``id``/``text`` column, makes the file unusable (the reason says
    how many rows were not read). Locations are ``row N`` (1-based); a failure part-way
    yields one record at ``row N onwards``.

    A corpus written by textreuse (see :func:`is_textreuse_corpus`) is read too:
    its ``doc_id`` is the id, and a row it rejected is rejected again, with
    :data:`CORPUS_REJECTED` as the reason, so that it is counted once more and not lost.
    Its row's location also names where the row was first read (its ``source`` and
    ``location`` columns), so a run on the corpus still points at the original input.
    """
    try:
        parquet = pq.ParquetFile(path if data is None else pa.BufferReader(data))
        schema = parquet.schema_arrow
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise _cannot_open(exc) from exc
        raise FileProblem(f"not a readable Parquet file: {exc}") from exc
    except pa.ArrowException as exc:
        raise FileProblem(f"not a readable Parquet file: {exc}") from exc
    with parquet:
        total = parquet.metadata.num_rows
        unread = f"its {total} row{'' if total == 1 else 's'} not read"
        corpus = is_textreuse_corpus(schema.names)
        # the file's column for each field: a textreuse corpus names the id doc_id
        names = {name: "doc_id" if corpus and name == "id" else name for name in KNOWN_FIELDS}
        missing = [names[name] for name in ("id", "text") if names[name] not in schema.names]
        if missing:
            raise FileProblem(
                f"missing required column {_quoted(missing)}; the file has "
                f"{_quoted(schema.names)}; {unread}"
            )
        fields_read = [name for name in KNOWN_FIELDS if names[name] in schema.names]
        for name in fields_read:
            problem = _parquet_type_problem(name, schema.field(names[name]).type, names[name])
            if problem:
                raise FileProblem(f"{problem}; {unread}")
        # where each row of a textreuse corpus was first read, kept in its location
        origin = [name for name in _ORIGIN_COLUMNS if corpus and name in schema.names]
        if origin and not all(_is_string(schema.field(name).type) for name in origin):
            origin = []
        columns = [names[name] for name in fields_read] + (["status"] if corpus else []) + origin
        row_no = 0
        try:
            for batch in parquet.iter_batches(batch_size=batch_rows, columns=columns):
                values = {
                    column: _as_strings(batch.column(index)).to_pylist()
                    for index, column in enumerate(batch.schema.names)
                }
                for offset in range(batch.num_rows):
                    location = f"row {row_no + offset + 1}"
                    first_read = _first_read(*(values[name][offset] for name in origin))
                    if first_read:
                        location += f" (first read from {first_read})"
                    fields = {name: values[names[name]][offset] for name in fields_read}
                    if corpus and values["status"][offset] == STATUS_REJECTED:
                        yield RawRecord(location, {"id": fields["id"]}, CORPUS_REJECTED)
                    else:
                        yield RawRecord(location, fields)
                row_no += batch.num_rows
        except (OSError, pa.ArrowException) as exc:
            yield RawRecord(
                f"row {row_no + 1} onwards",
                error=f"cannot read Parquet data: {exc}; rows {row_no + 1} to {total} not read",
            )


_NESTED_ORIGIN = re.compile(r"row \d+ \(first read from (.+)\)", re.DOTALL)


def _first_read(source: str | None = None, location: str | None = None) -> str:
    """Where a corpus row was first read: its ``source`` and ``location``, or, for a
    corpus made from a corpus, the place its own location already names."""
    nested = _NESTED_ORIGIN.fullmatch(location or "")
    if nested:
        return nested.group(1)
    if location == "file":  # a whole file (a text file or a page): its path says it all
        location = None
    return " ".join(part for part in (source, location) if part)


def _parquet_type_problem(name: str, type_: pa.DataType, column: str) -> str | None:
    """Why the file's ``column``, read as field ``name``, has an unusable type; None if fine."""
    if pa.types.is_dictionary(type_):
        type_ = type_.value_type
    if _is_string(type_):
        return None
    if name == "text":
        allowed = "string"
    elif name == "id":
        if pa.types.is_integer(type_):
            return None
        allowed = "string or integer"
    else:
        if (
            pa.types.is_integer(type_)
            or pa.types.is_floating(type_)
            or pa.types.is_decimal(type_)
            or pa.types.is_date(type_)
            or pa.types.is_timestamp(type_)
        ):
            return None
        allowed = "string, number, date or timestamp"
    return f"column '{column}' has type {type_}, expected {allowed}"


def _is_string(type_: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(type_) or pa.types.is_large_string(type_) or type_ == pa.string_view()
    )


def _as_strings(column: pa.Array) -> pa.Array:
    if _is_string(column.type):
        return column
    return pc.cast(column, pa.string())


# -------------------------------------------------------------------------- Text files


def check_text_encoding(name: str | None) -> None:
    """Raise :class:`ConfigError` unless ``name`` is None or an encoding Python knows."""
    if name is None:
        return
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise ConfigError(f"unknown text encoding {name!r}") from exc


def _text_file_bytes(
    path: str, data: bytes | None, limit: int, max_doc_chars: int
) -> tuple[bytes | None, str]:
    """The (decompressed) bytes of the text file ``path``, or ``data`` when given, if
    there are at most ``limit`` of them; else None and the reason."""
    format_name = compression_of(path)
    too_long = (
        "document has at least {chars} characters ({size} bytes{how}), more than the "
        f"limit of {max_doc_chars} (--max-doc-chars)"
    )
    if format_name is None:
        try:
            size = os.path.getsize(path) if data is None else len(data)
            if size > limit:
                return None, too_long.format(chars=-(-size // 4), size=size, how="")
            if data is None:
                with open(path, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            return None, f"cannot read file: {exc.strerror or exc}"
        return data, ""
    try:
        raw: IO[bytes] = io.BytesIO(data) if data is not None else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        return None, f"cannot read file: {exc.strerror or exc}"
    with raw:
        try:
            unpacked = decompressed(raw, path).read(limit + 1)
        except NotCompressed as exc:
            return None, str(exc)
        except STREAM_ERRORS as exc:
            return None, stream_problem(exc, format_name)
    if len(unpacked) > limit:
        return None, too_long.format(
            chars=-(-(limit + 1) // 4), size=f"over {limit}", how=" decompressed"
        )
    return unpacked, ""


def read_text_file(
    path: str,
    doc_id: str,
    max_doc_chars: int,
    fallback_encoding: str | None = None,
    data: bytes | None = None,
) -> Iterator[RawRecord]:
    """Read one ``.txt`` file as one record with location ``file`` (its bytes
    ``data`` when they were read elsewhere, such as a Spark task's file).

    Text files are UTF-8. When ``fallback_encoding`` is given (``--txt-fallback-encoding``,
    for legacy corpora such as cp1252 text), a file that is not valid UTF-8 is decoded
    with it instead, still strictly; offsets then refer to the decoded characters. A
    file named as compressed (``.txt.gz``, ``.txt.bz2``, ``.txt.xz``, ``.txt.zst``) is
    decompressed first (:mod:`textreuse.io.compression`).

    The text is kept exactly as stored (no newline translation), except that a leading
    UTF-8 byte-order mark is removed. Files with a NUL byte are rejected as binary, and
    undecodable bytes are reported with their byte offset in the (decompressed) file,
    0-based. A file of more than ``4 * max_doc_chars`` bytes is rejected without being
    read whole: it must hold more than ``max_doc_chars`` characters.
    """
    fields = {"id": doc_id}
    data, problem = _text_file_bytes(path, data, 4 * max_doc_chars, max_doc_chars)
    if data is None:
        yield RawRecord("file", fields, problem)
        return
    nul = data.find(b"\x00")
    if nul >= 0:
        yield RawRecord("file", fields, f"binary file (NUL byte at offset {nul})")
        return
    skipped = len(_BOM) if data.startswith(_BOM) else 0
    try:
        text = data[skipped:].decode("utf-8")
    except UnicodeDecodeError as exc:
        if fallback_encoding is None:
            yield RawRecord(
                "file",
                fields,
                f"invalid UTF-8 at byte offset {exc.start + skipped} ({LEGACY_ENCODING_HINT})",
            )
            return
        try:
            text = data.decode(fallback_encoding)
        except UnicodeDecodeError as fallback_exc:
            yield RawRecord(
                "file",
                fields,
                f"invalid UTF-8 at byte offset {exc.start + skipped}, and invalid "
                f"{fallback_encoding} at byte offset {fallback_exc.start}",
            )
            return
    yield RawRecord("file", {"id": doc_id, "text": text})
