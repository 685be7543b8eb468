"""Streaming input readers: JSON Lines, Parquet, CSV and plain-text files into Arrow batches.

:class:`RecordReader` reads any mix of inputs and yields ``pyarrow.RecordBatch`` objects
with the schema :data:`textreuse.schema.RECORD_SCHEMA`, never holding the whole corpus.
Every record appears in the output, including empty ones (status ``empty``, text kept)
and rejected ones (status ``rejected``, text null); each rejection is also listed in
:attr:`RecordReader.rejects` with a reason that says what is wrong and where.

Inputs:

* ``.jsonl``, ``.ndjson`` (optionally ``.gz``): one JSON object per line with ``id``
  (string or integer) and ``text`` (string); optional ``site``, ``date``, ``title``,
  ``url``, ``author`` (string, number or null). Other keys are ignored. Location
  ``line N``.
* ``.parquet``: columns ``id`` and ``text`` plus optional metadata. Location ``row N``.
* ``.csv``: a header row naming ``id`` and ``text`` plus optional metadata. Location
  ``row N (line L)``: data row N (the header is not counted) starting on line L.
* ``.txt``: one record whose id is the file name. Location ``file``.
* a folder: every ``*.txt`` below it, sorted by relative path, each one record whose id
  is its path relative to the folder with ``/`` separators. Other files, and hidden files
  and folders (name starting with ``.``, not descended into), are listed in
  :attr:`ReadStats.ignored_files`.

Text is kept exactly as stored: bytes are decoded as strict UTF-8 with no newline
translation. The only change is that a UTF-8 byte-order mark at the start of a file is
dropped. Extensions are matched case-insensitively.

A file that cannot be used at all (cannot be opened, not the format its name says,
required column missing or of the wrong type) counts as one record: with
``on_error="skip"`` it yields one rejected row with location ``file`` and counts once in
``stats.read`` and ``stats.rejected``; with ``on_error="fail"`` it raises
:class:`~textreuse.errors.InputError`.
"""

from __future__ import annotations

import codecs
import os
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

import pyarrow as pa

from textreuse.errors import ConfigError, DuplicateIdError, InputError
from textreuse.io.formats import (
    FileProblem,
    RawRecord,
    read_csv,
    read_jsonl,
    read_parquet,
    read_text_file,
    type_name,
)
from textreuse.schema import (
    METADATA_FIELDS,
    RECORD_SCHEMA,
    STATUS_EMPTY,
    STATUS_OK,
    STATUS_REJECTED,
)

__all__ = ["ReadStats", "RecordReader", "Reject"]

InputKind = Literal["jsonl", "parquet", "csv", "txt", "folder"]

_EXTENSIONS: tuple[tuple[str, InputKind], ...] = (
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".parquet", "parquet"),
    (".csv", "csv"),
    (".txt", "txt"),
)

#: One output row, in RECORD_SCHEMA column order.
Row = tuple[
    str, str | None, str | None, str | None, str | None, str | None, str | None, str, str, str
]


@dataclass(frozen=True, slots=True)
class Reject:
    """One record (or whole file) that could not be used, and why."""

    source: str
    location: str
    doc_id: str | None
    reason: str

    def to_dict(self) -> dict[str, object]:
        """The reject as a plain dict (for JSON reports)."""
        return asdict(self)


@dataclass
class ReadStats:
    """Counts kept while reading. ``read == ok + empty + rejected`` == rows yielded.

    ``files`` counts every file opened or attempted, including each ``.txt`` in a folder.
    """

    read: int = 0
    ok: int = 0
    empty: int = 0
    rejected: int = 0
    files: int = 0
    ignored_files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """The counts as a plain dict (for JSON reports)."""
        return asdict(self)


def input_kind(path: str) -> InputKind:
    """Classify an input path, raising :class:`InputError` if it cannot be read at all."""
    if os.path.isdir(path):
        return "folder"
    if not os.path.exists(path):
        raise InputError(path, "", "no such file or folder")
    name = os.path.basename(path).lower()
    for suffix, kind in _EXTENSIONS:
        if name.endswith(suffix):
            return kind
    _, ext = os.path.splitext(name)
    raise InputError(
        path,
        "",
        f"unsupported input type '{ext}': expected .jsonl, .jsonl.gz, .parquet, .csv, .txt "
        "or a folder",
    )


class _IdRegistry:
    """Remembers every id seen and where, compactly: id -> index into parallel arrays."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._place_source = array("I")
        self._place_location: list[str] = []
        self._sources: list[str] = []
        self._source_index: dict[str, int] = {}

    def first_place(self, doc_id: str) -> tuple[str, str] | None:
        """Where ``doc_id`` was first seen, or None if it is new."""
        index = self._index.get(doc_id)
        if index is None:
            return None
        return self._sources[self._place_source[index]], self._place_location[index]

    def add(self, doc_id: str, source: str, location: str) -> None:
        """Record the first place of a new id."""
        source_index = self._source_index.get(source)
        if source_index is None:
            source_index = self._source_index[source] = len(self._sources)
            self._sources.append(source)
        self._index[doc_id] = len(self._place_location)
        self._place_source.append(source_index)
        self._place_location.append(location)


class _BatchBuilder:
    """Collects rows column by column and turns them into RECORD_SCHEMA batches."""

    def __init__(self) -> None:
        self._columns: list[list[str | None]] = [[] for _ in RECORD_SCHEMA]

    def __len__(self) -> int:
        return len(self._columns[0])

    def add(self, row: Row) -> None:
        for column, value in zip(self._columns, row, strict=True):
            column.append(value)

    def flush(self) -> pa.RecordBatch:
        arrays = [pa.array(column, type=pa.string()) for column in self._columns]
        self._columns = [[] for _ in RECORD_SCHEMA]
        return pa.RecordBatch.from_arrays(arrays, schema=RECORD_SCHEMA)


class RecordReader:
    """Stream records from input files and folders as Arrow batches.

    ``max_doc_chars``: longer documents are rejected. ``batch_size``: most rows per
    batch. ``on_error``: ``"skip"`` records each problem in :attr:`rejects` and goes on;
    ``"fail"`` raises :class:`InputError` (or :class:`DuplicateIdError`) at the first one.
    Paths are checked when the reader is made: a missing path or unsupported extension
    raises :class:`InputError` whatever ``on_error`` says.

    A later record whose id was already seen (in any input) is rejected; its row gets the
    doc_id ``"{source}#{location}"`` so that doc_ids in the output stay unique, while its
    :class:`Reject` names the duplicated id. The same applies to any rejected record whose
    id was already taken. Each call of :meth:`batches` starts a fresh pass and resets
    :attr:`rejects` and :attr:`stats`.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        max_doc_chars: int = 5_000_000,
        batch_size: int = 2048,
        on_error: Literal["skip", "fail"] = "skip",
        txt_fallback_encoding: str | None = None,
    ) -> None:
        if txt_fallback_encoding is not None:
            try:
                codecs.lookup(txt_fallback_encoding)
            except LookupError as exc:
                raise ConfigError(f"unknown text encoding {txt_fallback_encoding!r}") from exc
        self.txt_fallback_encoding = txt_fallback_encoding
        if max_doc_chars < 1:
            raise ConfigError(f"max_doc_chars must be at least 1, got {max_doc_chars}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        if on_error not in ("skip", "fail"):
            raise ConfigError(f"on_error must be 'skip' or 'fail', got {on_error!r}")
        self.max_doc_chars = max_doc_chars
        self.batch_size = batch_size
        self.on_error = on_error
        self._inputs = [(os.fspath(path), input_kind(os.fspath(path))) for path in paths]
        self.rejects: list[Reject] = []
        self.stats = ReadStats()
        self._ids = _IdRegistry()

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Yield batches of at most ``batch_size`` rows with schema RECORD_SCHEMA."""
        self.rejects = []
        self.stats = ReadStats()
        self._ids = _IdRegistry()
        builder = _BatchBuilder()
        for path, kind in self._inputs:
            for row in self._rows(path, kind):
                builder.add(row)
                if len(builder) >= self.batch_size:
                    yield builder.flush()
        if len(builder):
            yield builder.flush()

    # ------------------------------------------------------------------ per input

    def _rows(self, path: str, kind: InputKind) -> Iterator[Row]:
        if kind == "folder":
            yield from self._folder_rows(path)
        elif kind == "txt":
            name = os.path.basename(os.path.normpath(path))
            yield from self._file_rows(
                path, read_text_file(path, name, self.max_doc_chars, self.txt_fallback_encoding)
            )
        elif kind == "jsonl":
            yield from self._file_rows(path, read_jsonl(path))
        elif kind == "csv":
            yield from self._file_rows(path, read_csv(path))
        else:
            yield from self._file_rows(path, read_parquet(path, self.batch_size))

    def _folder_rows(self, folder: str) -> Iterator[Row]:
        files: list[tuple[str, str]] = []
        unreadable: list[tuple[str, str]] = []
        _scan_folder(folder, "", files, self.stats.ignored_files, unreadable)
        for source, reason in unreadable:
            self.stats.files += 1
            yield self._reject(source, "file", None, reason)
        for rel, source in sorted(files):
            yield from self._file_rows(
                source, read_text_file(source, rel, self.max_doc_chars, self.txt_fallback_encoding)
            )

    def _file_rows(self, source: str, records: Iterator[RawRecord]) -> Iterator[Row]:
        self.stats.files += 1
        try:
            for record in records:
                yield self._row(source, record)
        except FileProblem as problem:
            yield self._reject(source, "file", None, problem.reason)

    # ----------------------------------------------------------------- per record

    def _row(self, source: str, record: RawRecord) -> Row:
        fields = record.fields or {}
        location = record.location
        doc_id, problem = _id_of(fields)
        if record.error is not None:
            return self._reject(source, location, doc_id, record.error)
        if doc_id is None:
            return self._reject(source, location, None, str(problem))
        text = fields.get("text")
        if "text" not in fields:
            return self._reject(source, location, doc_id, "missing required field 'text'")
        if not isinstance(text, str):
            reason = f"field 'text' must be a string, got {type_name(text)}"
            return self._reject(source, location, doc_id, reason)
        metadata: list[str | None] = []
        for name in METADATA_FIELDS:
            value, problem = _metadata_of(name, fields.get(name))
            if problem is not None:
                return self._reject(source, location, doc_id, problem)
            metadata.append(value)
        first = self._ids.first_place(doc_id)
        if first is not None:
            reason = f"duplicate id '{doc_id}': first seen in {first[0]}, {first[1]}"
            if self.on_error == "fail":
                raise DuplicateIdError(source, location, reason)
            return self._reject(source, location, doc_id, reason)
        if len(text) > self.max_doc_chars:
            reason = (
                f"document has {len(text)} characters, more than the limit of "
                f"{self.max_doc_chars} (--max-doc-chars)"
            )
            return self._reject(source, location, doc_id, reason)
        self._ids.add(doc_id, source, location)
        self.stats.read += 1
        if text.strip():
            self.stats.ok += 1
            status = STATUS_OK
        else:
            self.stats.empty += 1
            status = STATUS_EMPTY
        m = metadata
        return (doc_id, text, m[0], m[1], m[2], m[3], m[4], status, source, location)

    def _reject(self, source: str, location: str, doc_id: str | None, reason: str) -> Row:
        """Count and list a rejected record (or raise with on_error="fail")."""
        if self.on_error == "fail":
            raise InputError(source, location, reason)
        self.rejects.append(Reject(source, location, doc_id, reason))
        self.stats.read += 1
        self.stats.rejected += 1
        row_id = f"{source}#{location}"
        if doc_id is not None and self._ids.first_place(doc_id) is None:
            self._ids.add(doc_id, source, location)
            row_id = doc_id
        return (row_id, None, None, None, None, None, None, STATUS_REJECTED, source, location)


def _id_of(fields: Mapping[str, object]) -> tuple[str | None, str | None]:
    """The record's id as a string, or None and the reason it is unusable."""
    if "id" not in fields:
        return None, "missing required field 'id'"
    value = fields["id"]
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None, f"field 'id' must be a string or integer, got {type_name(value)}"
    doc_id = str(value)
    if not doc_id:
        return None, "field 'id' is empty"
    return doc_id, None


def _metadata_of(name: str, value: object) -> tuple[str | None, str | None]:
    """A metadata value as a string (or None), or the reason it is unusable."""
    if value is None or isinstance(value, str):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value), None
    return None, f"field '{name}' must be a string, got {type_name(value)}"


def _scan_folder(
    folder: str,
    rel: str,
    files: list[tuple[str, str]],
    ignored: list[str],
    unreadable: list[tuple[str, str]],
) -> None:
    """Collect ``(relative id, path)`` of every .txt below ``folder``; list the rest."""
    here = os.path.join(folder, rel) if rel else folder
    try:
        with os.scandir(here) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        unreadable.append((here, f"cannot read folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        entry_rel = f"{rel}/{entry.name}" if rel else entry.name
        path = os.path.join(folder, entry_rel)
        is_dir = entry.is_dir(follow_symlinks=False)
        if entry.name.startswith("."):
            ignored.append(path + os.sep if is_dir else path)
        elif is_dir:
            _scan_folder(folder, entry_rel, files, ignored, unreadable)
        elif entry.name.lower().endswith(".txt") and entry.is_file():
            files.append((entry_rel, path))
        else:
            ignored.append(path)
