"""Ingest from URIs (issue #6): the executors read the record files themselves.

An input such as ``hdfs://namenode/corpus/``, ``s3a://bucket/news/`` or
``file:///data/corpus.jsonl`` is handed to Spark, which lists it (folders
recursively; Hadoop's hidden files such as ``_SUCCESS`` and ``.crc`` left out)
and reads each file's bytes in a task. The task parses them with the same
parsers and checks as a local read (:meth:`RecordReader.file_rows`), so
nothing of the corpus passes through the driver. Ids are compared across files by
the plan step :data:`~textreuse.engine.plan.INPUT_RECORDS`, in the order one reader
would have met them: inputs as given, files by path, records in file order. Record
files are JSON Lines (``.jsonl``, ``.ndjson``), CSV and TSV, each optionally compressed
(``.gz``, ``.bz2``, ``.xz``, ``.zst``), and Parquet; a ``.txt`` file or an HTML page
(``.html``, ``.htm``, optionally compressed) is one record whose id is its path
relative to the folder URI given (with ``/``), or its name when the URI names the
file itself or is a glob pattern (``hdfs://nn/texts/*.txt``); a WARC file
(``.warc``, ``.warc.gz``) holds one page per HTML response record, as read locally.
Pages are extracted in the tasks, one worker process per task with the per-page
timeout of a local read. A WARC page whose ``WARC-Target-URI`` an earlier file
already used takes its ``WARC-Record-ID`` instead, as locally (the plan step renames
it). How pages were decoded and which WARC records were skipped reach the manifest
as counting rows of the read table. Other files are listed as ignored, as in a
folder, and so is a folder holding a textreuse run's output, whose files are not read
(:func:`~textreuse.io.input_files.is_run_output`).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pyarrow as pa

from textreuse.engine.plan import INPUT_RECORDS
from textreuse.errors import DuplicateIdError, InputError
from textreuse.io.html import require_html_extra
from textreuse.io.input_files import is_page_file, is_record_file, is_uri_file, run_output_folders
from textreuse.io.pages import PageExtractor
from textreuse.io.readers import ReadStats, RecordReader, Reject
from textreuse.schema import (
    MAX_BATCH_CHARS,
    RECORD_SCHEMA,
    STATUS_EMPTY,
    STATUS_OK,
    STATUS_REJECTED,
)
from textreuse.stages.boilerplate import LINE_HASHES_SCHEMA, PATTERN_SPANS_SCHEMA
from textreuse.stages.ingest import INGESTED_SCHEMA, ingest_batch

if TYPE_CHECKING:
    from textreuse.config import RunConfig
    from textreuse.engine.base import Engine

#: The rows a task makes of one file: its records, with where they stand in the
#: input order and what the file's own reader found.
#: A row whose ``stat_kind`` is set is no record: it counts ``stat_count`` pages
#: decoded one way (``html_decoding``) or WARC records of one type skipped
#: (``skipped_warc_records``), ``stat_key`` naming the way or the type.
READ_ROWS_SCHEMA = (
    RECORD_SCHEMA.append(pa.field("input_index", pa.int32()))
    .append(pa.field("record_index", pa.int64()))
    .append(pa.field("raw_id", pa.string()))
    .append(pa.field("reject_kind", pa.string()))
    .append(pa.field("reason", pa.string()))
    .append(pa.field("fallback_id", pa.string()))
    .append(pa.field("stat_kind", pa.string()))
    .append(pa.field("stat_key", pa.string()))
    .append(pa.field("stat_count", pa.int64()))
)

#: The counters of :class:`ReadStats` that travel as counting rows.
_STAT_KINDS = ("html_decoding", "skipped_warc_records")


#: Characters that make a Hadoop path a glob pattern.
_GLOB = re.compile(r"[*?\[{]")


def text_file_id(root: str, path: str) -> str:
    """The id of the ``.txt`` file Spark listed as ``path`` under the input URI ``root``:
    its path relative to ``root``, with ``/`` (as for a local folder), or its name when
    ``root`` names the file itself or is a glob pattern. Only the URIs' paths are
    compared: Spark may write ``file:///x`` as ``file:/x``, or add a default port."""
    root_path = posixpath.normpath(unquote(urlsplit(root).path) or "/").rstrip("/")
    file_path = posixpath.normpath(urlsplit(path).path)
    if not _GLOB.search(root_path) and file_path.startswith(root_path + "/"):
        return file_path[len(root_path) + 1 :]
    return posixpath.basename(file_path)


@dataclass(frozen=True)
class ReadInputFiles:
    """A ``mapInArrow`` job: rows ``(input_index, path, content)``, one per file, to
    :data:`READ_ROWS_SCHEMA` batches of at most ``batch_size`` records. ``roots`` are
    the input URIs, by ``input_index`` (a ``.txt`` file's or a page's id is its path
    below its root); ``txt_fallback_encoding`` and ``page_timeout`` (seconds per page)
    as for a local read. A task extracts its pages in one worker process."""

    max_doc_chars: int
    batch_size: int
    roots: tuple[str, ...] = ()
    txt_fallback_encoding: str | None = None
    page_timeout: float = 30.0

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pages = PageExtractor(1, self.page_timeout)  # its process starts with a first page
        try:
            for batch in batches:
                files = zip(
                    batch.column("input_index").to_pylist(),
                    batch.column("path").to_pylist(),
                    batch.column("content").to_pylist(),
                    strict=True,
                )
                for input_index, path, content in files:
                    yield from self._file_batches(input_index, path, content, pages)
        finally:
            pages.close()

    def _file_batches(
        self, input_index: int, path: str, data: bytes, pages: PageExtractor
    ) -> Iterator[pa.RecordBatch]:
        reader = RecordReader(
            [],
            max_doc_chars=self.max_doc_chars,
            batch_size=self.batch_size,
            on_error="skip",
            txt_fallback_encoding=self.txt_fallback_encoding,
            pages=pages,
        )
        text_id = None if is_record_file(path) else text_file_id(self.roots[input_index], path)
        rows: list[dict[str, object]] = []
        chars = 0
        found = reader.file_rows(path, data, text_id)
        for index, (row, reject, fallback_id) in enumerate(found):
            values: dict[str, object] = dict(zip(RECORD_SCHEMA.names, row, strict=True))
            values["input_index"] = input_index
            values["record_index"] = index
            values["raw_id"] = row[0] if reject is None else reject.doc_id
            values["reject_kind"] = None if reject is None else reject.kind
            values["reason"] = None if reject is None else reject.reason
            values["fallback_id"] = fallback_id
            rows.append(values)
            chars += sum(len(value) for value in row if value)
            if len(rows) >= self.batch_size or chars >= MAX_BATCH_CHARS:
                yield pa.RecordBatch.from_pylist(rows, schema=READ_ROWS_SCHEMA)
                rows, chars = [], 0
        for kind in _STAT_KINDS:
            for key, count in sorted(getattr(reader.stats, kind).items()):
                rows.append(_stat_row(input_index, path, kind, key, count))
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=READ_ROWS_SCHEMA)


def _stat_row(input_index: int, path: str, kind: str, key: str, count: int) -> dict[str, object]:
    """A counting row of one file (no record: ``input_records`` leaves it out)."""
    return {
        "doc_id": f"{path}#{kind}:{key}",
        "status": "",
        "source": path,
        "location": "",
        "input_index": input_index,
        "record_index": -1,
        "stat_kind": kind,
        "stat_key": key,
        "stat_count": count,
    }


def ingest_uris(
    engine: Engine, uris: Sequence[str], config: RunConfig
) -> tuple[ReadStats, list[Reject]]:
    """Read ``uris`` on the engine's executors into tables ``records``,
    ``pattern_spans`` and ``line_hashes`` (as :func:`textreuse.stages.ingest.ingest`
    writes them); returns the counts and the rejects, in input order."""
    job = ReadInputFiles(
        config.max_doc_chars,
        config.batch_size,
        tuple(uris),
        config.txt_fallback_encoding,
        config.page_timeout,
    )
    skipped: list[str] = []  # folders holding a run's output, not read

    def skip(paths: Sequence[str]) -> list[str]:
        skipped.extend(run_output_folders(paths))
        _check_listed([path for path in paths if not path.startswith(tuple(skipped))])
        return skipped

    listed = engine.read_files(uris, job, READ_ROWS_SCHEMA, skip)
    read = [path for path in listed if not path.startswith(tuple(skipped))]
    stats = ReadStats(
        files=sum(1 for path in read if is_uri_file(path)),
        ignored_files=[*skipped, *(path for path in read if not is_uri_file(path))],
    )
    counted = engine.fetch(
        """SELECT stat_kind, stat_key, sum(stat_count) FROM read_rows
        WHERE stat_kind IS NOT NULL GROUP BY stat_kind, stat_key ORDER BY stat_kind, stat_key"""
    )
    for kind, key, count in counted:
        getattr(stats, kind)[key] = int(count)
    engine.run(INPUT_RECORDS)
    for status, count in engine.fetch("SELECT status, count(*) FROM input_records GROUP BY status"):
        stats.read += int(count)
        if status == STATUS_OK:
            stats.ok += int(count)
        elif status == STATUS_EMPTY:
            stats.empty += int(count)
        else:
            stats.rejected += int(count)
    rejects = _rejects(engine)
    if rejects and config.on_error == "fail":
        first = rejects[0]
        error = DuplicateIdError if first.kind == "duplicate" else InputError
        raise error(first.source, first.location, first.reason)
    columns = ", ".join(RECORD_SCHEMA.names)
    engine.map_batches(
        f"SELECT {columns} FROM input_records",
        functools.partial(_ingest_records, config.boilerplate),
        {
            "records": INGESTED_SCHEMA,
            "pattern_spans": PATTERN_SPANS_SCHEMA,
            "line_hashes": LINE_HASHES_SCHEMA,
        },
        batch_size=config.batch_size,
    )
    return stats, rejects


def _check_listed(paths: Sequence[str]) -> None:
    """Before any file is read: pages and WARC files need the ``html`` extra."""
    if any(is_page_file(path) for path in paths):
        require_html_extra()


def _rejects(engine: Engine) -> list[Reject]:
    reader = engine.arrow_reader(
        f"""SELECT source, location, raw_id, reason, reject_kind FROM input_records
        WHERE status = '{STATUS_REJECTED}' ORDER BY input_index, source, record_index"""
    )
    return [
        Reject(row["source"], row["location"], row["raw_id"], row["reason"], row["reject_kind"])
        for batch in reader
        for row in batch.to_pylist()
    ]


def _ingest_records(
    boilerplate: bool, batch: pa.RecordBatch
) -> tuple[pa.RecordBatch, pa.RecordBatch, pa.RecordBatch]:
    """:func:`~textreuse.stages.ingest.ingest_batch` on a batch as the engine hands it
    (its string columns may come in another Arrow string type)."""
    table = pa.Table.from_batches([batch]).select(RECORD_SCHEMA.names).cast(RECORD_SCHEMA)
    records = table.combine_chunks().to_batches()
    return ingest_batch(
        boilerplate,
        records[0] if records else pa.RecordBatch.from_pylist([], schema=RECORD_SCHEMA),
    )


__all__ = ["READ_ROWS_SCHEMA", "ReadInputFiles", "ingest_uris", "text_file_id"]
