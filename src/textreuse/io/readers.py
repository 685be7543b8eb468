"""Streaming input readers: JSON Lines, Parquet, CSV, text, HTML and WARC into Arrow batches.

:class:`RecordReader` reads any mix of inputs and yields ``pyarrow.RecordBatch`` objects
with the schema :data:`textreuse.schema.RECORD_SCHEMA`, never holding the whole corpus.
Every record appears in the output, including empty ones (status ``empty``, text kept)
and rejected ones (status ``rejected``, text null); each rejection is also listed in
:attr:`RecordReader.rejects` with a reason that says what is wrong and where.

Inputs:

* ``.jsonl``, ``.ndjson`` (optionally compressed: ``.gz``, ``.bz2``, ``.xz``, ``.zst``):
  one JSON object per line with ``id`` (string or integer) and ``text`` (string);
  optional ``site``, ``date``, ``title``, ``url``, ``author`` (string, number or null).
  Other keys are ignored. Location ``line N``.
* ``.parquet``: columns ``id`` and ``text`` plus optional metadata. Location ``row N``.
* ``.csv`` (optionally compressed, as JSON Lines): a header row naming ``id`` and
  ``text`` plus optional metadata. Location ``row N (line L)``: data row N (the
  header is not counted) starting on line L. ``.tsv`` the same, separated by tabs,
  never quoted, one row per line.
* ``.txt``: one record whose id is the file name. Location ``file``.
* ``.html``, ``.htm`` (optionally compressed, as JSON Lines): one page whose main text
  is extracted (:mod:`textreuse.io.html`); id the file name, location ``file``. Needs
  ``textreuse[html]``.
* ``.warc``, ``.warc.gz``: one page per HTML response record (:mod:`textreuse.io.warc`);
  id the ``WARC-Target-URI`` (the ``WARC-Record-ID`` when that URI was already used),
  location ``record N``. Needs ``textreuse[html]``.
* a folder: every ``*.txt`` file and HTML page below it, sorted by relative path, each one
  record whose id is its path relative to the folder with ``/`` separators; the record
  files (a partitioned data set) and WARC files below it, each with its own records.
  Other files, hidden files and folders (name starting with ``.``), and folders holding
  a textreuse run's output (:func:`~textreuse.io.input_files.is_run_output`) are listed in
  :attr:`ReadStats.ignored_files`; such folders are not descended into.

HTML pages are extracted in ``threads`` worker processes with a ``page_timeout`` per page
(:mod:`textreuse.io.pages`); a page that times out, cannot be read or decoded, is empty or
has no main text is rejected with the reason, and the reading goes on. Their text is the
extracted main text, so offsets refer to it.

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

import io
import os
import sys
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from textreuse.errors import ConfigError, DuplicateIdError, InputError
from textreuse.io.formats import (
    FileProblem,
    RawRecord,
    check_text_encoding,
    read_csv,
    read_jsonl,
    read_parquet,
    read_text_file,
    type_name,
)
from textreuse.io.html import (
    Extractor,
    PageResult,
    PageTask,
    read_page_file,
    require_html_extra,
)
from textreuse.io.input_files import (
    CSV_SUFFIXES,
    STDIN,
    STDIN_SOURCE,
    TSV_SUFFIXES,
    check_distinct_inputs,
    input_kind,
    is_html,
    is_record_file,
    is_warc,
    scan_folder,
)
from textreuse.io.pages import PageExtractor
from textreuse.io.warc import read_warc
from textreuse.schema import (
    MAX_BATCH_CHARS,
    METADATA_FIELDS,
    RECORD_SCHEMA,
    STATUS_EMPTY,
    STATUS_OK,
    STATUS_REJECTED,
)

if TYPE_CHECKING:
    from textreuse.config import RunConfig

__all__ = ["ReadStats", "RecordReader", "Reject"]

#: A record that is ready (no extraction needed), with the file it came from.
_Ready = tuple[str, RawRecord]

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
    #: Why, in one word: ``field`` (the record or file itself is unusable; checked
    #: first), ``duplicate`` (its id was taken) or ``length`` (too long).
    kind: str = field(default="field", compare=False)

    def to_dict(self) -> dict[str, object]:
        """The reject as a plain dict (for JSON reports)."""
        return {
            "source": self.source,
            "location": self.location,
            "doc_id": self.doc_id,
            "reason": self.reason,
        }


@dataclass
class ReadStats:
    """Counts kept while reading. ``read == ok + empty + rejected`` == rows yielded.

    ``files`` counts every file opened or attempted, including each ``.txt`` in a folder.
    ``skipped_warc_records`` counts WARC records that are not pages (``request``,
    ``warcinfo``, ...) by type; ``html_decoding`` counts HTML pages by how their bytes were
    decoded (``utf-8``, ``declared``, ``detected``, ``utf-8 with replacement``, ``bom``).
    """

    read: int = 0
    ok: int = 0
    empty: int = 0
    rejected: int = 0
    files: int = 0
    ignored_files: list[str] = field(default_factory=list)
    skipped_warc_records: dict[str, int] = field(default_factory=dict)
    html_decoding: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """The counts as a plain dict (for JSON reports)."""
        return asdict(self)


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
        self.chars = 0

    def __len__(self) -> int:
        return len(self._columns[0])

    def add(self, row: Row) -> None:
        for column, value in zip(self._columns, row, strict=True):
            column.append(value)
            if value:
                self.chars += len(value)

    def flush(self) -> pa.RecordBatch:
        arrays = [pa.array(column, type=pa.string()) for column in self._columns]
        self._columns = [[] for _ in RECORD_SCHEMA]
        self.chars = 0
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

    ``threads`` worker processes extract HTML pages, each within ``page_timeout`` seconds;
    ``page_extractor`` replaces trafilatura (a module-level function, see
    :data:`textreuse.io.html.Extractor`). ``pages`` gives an extractor shared with other
    readers instead (its owner closes it). HTML or WARC inputs without the
    ``textreuse[html]`` packages raise :class:`~textreuse.errors.MissingExtraError`.
    """

    def __init__(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        max_doc_chars: int = 5_000_000,
        batch_size: int = 2048,
        on_error: Literal["skip", "fail"] = "skip",
        txt_fallback_encoding: str | None = None,
        threads: int = 1,
        page_timeout: float = 30.0,
        page_extractor: Extractor | None = None,
        pages: PageExtractor | None = None,
    ) -> None:
        check_text_encoding(txt_fallback_encoding)
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
        check_distinct_inputs([path for path, _ in self._inputs])
        if any(kind in ("html", "warc") for _, kind in self._inputs):
            require_html_extra()
        self._pages = pages or PageExtractor(threads, page_timeout, page_extractor)
        self.rejects: list[Reject] = []
        self.stats = ReadStats()
        self._ids = _IdRegistry()
        self._stdin_read = False
        if any(kind == "stdin" for _, kind in self._inputs):
            _check_stdin()

    @classmethod
    def from_config(
        cls,
        paths: Sequence[str | os.PathLike[str]],
        config: RunConfig,
        page_extractor: Extractor | None = None,
    ) -> RecordReader:
        """A reader with the input options of a run (``textreuse run`` and ``ingest``)."""
        return cls(
            paths,
            max_doc_chars=config.max_doc_chars,
            batch_size=config.batch_size,
            on_error=config.on_error,
            txt_fallback_encoding=config.txt_fallback_encoding,
            threads=config.workers,
            page_timeout=config.page_timeout,
            page_extractor=page_extractor,
        )

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Yield batches of at most ``batch_size`` rows with schema RECORD_SCHEMA (and
        fewer where their values pass :data:`~textreuse.schema.MAX_BATCH_CHARS` characters)."""
        self.rejects = []
        self.stats = ReadStats()
        self._ids = _IdRegistry()
        builder = _BatchBuilder()
        # one ordered stream over every input, so that pages of consecutive HTML files
        # (``*.html`` on a command line) are extracted in parallel
        try:
            for item, result in self._pages.map(self._items()):
                if isinstance(item, PageTask):
                    row = self._page_row(item, result or PageResult(error="page not extracted"))
                else:
                    row = self._row(*item)
                builder.add(row)
                if len(builder) >= self.batch_size or builder.chars >= MAX_BATCH_CHARS:
                    yield builder.flush()
        finally:
            self._pages.close()
        if len(builder):
            yield builder.flush()

    def file_rows(
        self, source: str, data: bytes, text_id: str | None = None
    ) -> Iterator[tuple[Row, Reject | None, str | None]]:
        """Every record of one file whose bytes ``data`` were read elsewhere (a Spark
        task), with its reject if it was rejected and the id it would take if its own
        were already used in another file (a WARC page's ``WARC-Record-ID``, else None).

        By the name ``source``: a record file's records (JSON Lines, CSV or Parquet), a
        WARC file's pages, or a ``.txt`` file or an HTML page as one record with the id
        ``text_id`` (by default its name, as for a file given alone). Duplicate ids are
        found within this file only; across files the caller compares them
        (:mod:`textreuse.stages.uri_ingest`). Pages are extracted by this reader's
        extractor, which stays open for the next file.
        """
        items: Iterator[_Ready | PageTask]
        name = text_id or os.path.basename(source)
        if is_record_file(source):
            items = self._file_items(source, self._record_file(source, data))
        elif is_html(source):
            require_html_extra()
            items = self._html_items(source, name, data)
        elif is_warc(source):
            require_html_extra()
            items = self._warc_items(source, data)
        else:
            text = read_text_file(
                source, name, self.max_doc_chars, self.txt_fallback_encoding, data
            )
            items = self._file_items(source, text)
        for item, result in self._pages.map(items):
            before = len(self.rejects)
            if isinstance(item, PageTask):
                row = self._page_row(item, result or PageResult(error="page not extracted"))
                fallback = item.fallback_id if row[0] == item.doc_id else None
            else:
                row, fallback = self._row(*item), None
            yield row, self.rejects[-1] if len(self.rejects) > before else None, fallback

    # ------------------------------------------------------------------ per input

    def _items(self) -> Iterator[_Ready | PageTask]:
        """Every input's records (ready) and pages (to extract), in input order."""
        for path, kind in self._inputs:
            if kind == "folder":
                yield from self._folder_items(path)
            elif kind == "html":
                yield from self._html_items(path, os.path.basename(os.path.normpath(path)))
            elif kind == "warc":
                yield from self._warc_items(path)
            elif kind == "txt":
                name = os.path.basename(os.path.normpath(path))
                yield from self._file_items(
                    path,
                    read_text_file(path, name, self.max_doc_chars, self.txt_fallback_encoding),
                )
            elif kind == "stdin":
                yield from self._file_items(STDIN_SOURCE, self._stdin_records())
            else:  # a record file: JSON Lines, CSV, TSV or Parquet
                yield from self._file_items(path, self._record_file(path))

    def _stdin_records(self) -> Iterator[RawRecord]:
        """JSON Lines from standard input, which one pass consumes."""
        if self._stdin_read:
            raise ConfigError(f"{STDIN} (standard input) was already read; it can be read once")
        self._stdin_read = True
        return read_jsonl(STDIN_SOURCE, stream=sys.stdin.buffer)

    def _folder_items(self, folder: str) -> Iterator[_Ready | PageTask]:
        files: list[tuple[str, str]] = []
        unreadable: list[tuple[str, str]] = []
        scan_folder(folder, "", files, self.stats.ignored_files, unreadable)
        for source, reason in unreadable:
            self.stats.files += 1
            yield source, RawRecord("file", error=reason)
        if any(is_html(rel) or is_warc(rel) for rel, _ in files):
            require_html_extra()
        for rel, source in sorted(files):
            if is_html(rel):
                yield from self._html_items(source, rel)
                continue
            if is_warc(rel):
                yield from self._warc_items(source)
                continue
            if is_record_file(rel):  # a partitioned data set: each file's own records
                yield from self._file_items(source, self._record_file(source))
                continue
            self.stats.files += 1
            for record in read_text_file(
                source, rel, self.max_doc_chars, self.txt_fallback_encoding
            ):
                yield source, record

    def _record_file(self, path: str, data: bytes | None = None) -> Iterator[RawRecord]:
        name = path.lower()
        if name.endswith(CSV_SUFFIXES):
            return read_csv(path, data)
        if name.endswith(TSV_SUFFIXES):
            return read_csv(path, data, tab_separated=True)
        if name.endswith(".parquet"):
            return read_parquet(path, self.batch_size, data)
        return read_jsonl(path, data)

    def _html_items(
        self, path: str, doc_id: str, data: bytes | None = None
    ) -> Iterator[_Ready | PageTask]:
        self.stats.files += 1
        limit = 10 * self.max_doc_chars
        if data is None:
            yield PageTask(path, "file", doc_id, path=path, max_bytes=limit)
            return
        page, problem = read_page_file(path, io.BytesIO(data), limit)
        if page is None:
            yield path, RawRecord("file", {"id": doc_id}, problem)
        else:
            yield PageTask(path, "file", doc_id, data=page, max_bytes=limit)

    def _warc_items(self, path: str, data: bytes | None = None) -> Iterator[_Ready | PageTask]:
        self.stats.files += 1
        skipped = self.stats.skipped_warc_records

        def on_skip(record_type: str) -> None:
            skipped[record_type] = skipped.get(record_type, 0) + 1

        try:
            for item in read_warc(path, 10 * self.max_doc_chars, on_skip, data):
                yield item if isinstance(item, PageTask) else (path, item)
        except FileProblem as problem:
            yield path, RawRecord("file", error=problem.reason)

    def _page_row(self, task: PageTask, result: PageResult) -> Row:
        doc_id = task.doc_id
        if task.fallback_id is not None and self._ids.first_place(doc_id) is not None:
            doc_id = task.fallback_id
        if result.decoding is not None:
            counts = self.stats.html_decoding
            counts[result.decoding] = counts.get(result.decoding, 0) + 1
        if result.error is not None or result.text is None:
            error = result.error or "no main text found in the page"
            return self._row(task.source, RawRecord(task.location, {"id": doc_id}, error))
        fields: dict[str, object] = {"id": doc_id, "text": result.text, **dict(result.metadata)}
        return self._row(task.source, RawRecord(task.location, fields))

    def _file_items(self, source: str, records: Iterator[RawRecord]) -> Iterator[_Ready]:
        self.stats.files += 1
        try:
            for record in records:
                yield source, record
        except FileProblem as problem:
            yield source, RawRecord("file", error=problem.reason)

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
            return self._reject(source, location, doc_id, reason, "duplicate")
        if len(text) > self.max_doc_chars:
            reason = (
                f"document has {len(text)} characters, more than the limit of "
                f"{self.max_doc_chars} (--max-doc-chars)"
            )
            return self._reject(source, location, doc_id, reason, "length")
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

    def _reject(
        self, source: str, location: str, doc_id: str | None, reason: str, kind: str = "field"
    ) -> Row:
        """Count and list a rejected record (or raise with on_error="fail")."""
        if self.on_error == "fail":
            raise InputError(source, location, reason)
        self.rejects.append(Reject(source, location, doc_id, reason, kind))
        self.stats.read += 1
        self.stats.rejected += 1
        row_id = f"{source}#{location}"
        if doc_id is not None and self._ids.first_place(doc_id) is None:
            self._ids.add(doc_id, source, location)
            row_id = doc_id
        return (row_id, None, None, None, None, None, None, STATUS_REJECTED, source, location)


def _check_stdin() -> None:
    """Refuse standard input as an input when nothing is piped into it."""
    if sys.stdin is None or sys.stdin.closed:
        raise ConfigError(f"input {STDIN} reads standard input, which is closed")
    if sys.stdin.isatty():
        raise ConfigError(
            f"input {STDIN} reads JSON Lines from standard input, which is a terminal here; "
            f"pipe the records in, e.g. zcat news.jsonl.gz | textreuse run {STDIN} --out DIR"
        )


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
