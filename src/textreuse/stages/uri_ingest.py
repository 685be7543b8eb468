"""Ingest from URIs (issue #6): the executors read the record files themselves.

An input such as ``hdfs://namenode/corpus/``, ``s3a://bucket/news/`` or
``file:///data/corpus.jsonl`` is handed to Spark, which lists it (folders
recursively; Hadoop's hidden files such as ``_SUCCESS`` and ``.crc`` left out)
and reads each file's bytes in a task. The task parses them with the same
parsers and checks as a local read (:meth:`RecordReader.file_rows`), so
nothing of the corpus passes through the driver. Ids are compared across files
by the plan step :data:`~textreuse.engine.plan.INPUT_RECORDS`, in the order one
reader would have met them: inputs as given, files by path, records in file
order. Record files are JSON Lines (``.jsonl``, ``.ndjson``, optionally
``.gz``), CSV and Parquet; a ``.txt`` file is one record whose id is its path
relative to the folder URI given (with ``/``), or its name when the URI names
the file itself or is a glob pattern (``hdfs://nn/texts/*.txt``). Other files
are listed as ignored, as in a folder; HTML pages and WARC files are read from
local paths only.
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
from textreuse.io.readers import ReadStats, RecordReader, Reject, is_record_file, is_uri_file
from textreuse.schema import (
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
READ_ROWS_SCHEMA = (
    RECORD_SCHEMA.append(pa.field("input_index", pa.int32()))
    .append(pa.field("record_index", pa.int64()))
    .append(pa.field("raw_id", pa.string()))
    .append(pa.field("reject_kind", pa.string()))
    .append(pa.field("reason", pa.string()))
)


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
    the input URIs, by ``input_index`` (a ``.txt`` file's id is its path below its
    root); ``txt_fallback_encoding`` as for a local read."""

    max_doc_chars: int
    batch_size: int
    roots: tuple[str, ...] = ()
    txt_fallback_encoding: str | None = None

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            files = zip(
                batch.column("input_index").to_pylist(),
                batch.column("path").to_pylist(),
                batch.column("content").to_pylist(),
                strict=True,
            )
            for input_index, path, content in files:
                yield from self._file_batches(input_index, path, content)

    def _file_batches(self, input_index: int, path: str, data: bytes) -> Iterator[pa.RecordBatch]:
        reader = RecordReader(
            [],
            max_doc_chars=self.max_doc_chars,
            batch_size=self.batch_size,
            on_error="skip",
            txt_fallback_encoding=self.txt_fallback_encoding,
        )
        text_id = None if is_record_file(path) else text_file_id(self.roots[input_index], path)
        rows: list[dict[str, object]] = []
        for index, (row, reject) in enumerate(reader.file_rows(path, data, text_id)):
            values: dict[str, object] = dict(zip(RECORD_SCHEMA.names, row, strict=True))
            values["input_index"] = input_index
            values["record_index"] = index
            values["raw_id"] = row[0] if reject is None else reject.doc_id
            values["reject_kind"] = None if reject is None else reject.kind
            values["reason"] = None if reject is None else reject.reason
            rows.append(values)
            if len(rows) >= self.batch_size:
                yield pa.RecordBatch.from_pylist(rows, schema=READ_ROWS_SCHEMA)
                rows = []
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema=READ_ROWS_SCHEMA)


def ingest_uris(
    engine: Engine, uris: Sequence[str], config: RunConfig
) -> tuple[ReadStats, list[Reject]]:
    """Read ``uris`` on the engine's executors into tables ``records``,
    ``pattern_spans`` and ``line_hashes`` (as :func:`textreuse.stages.ingest.ingest`
    writes them); returns the counts and the rejects, in input order."""
    job = ReadInputFiles(
        config.max_doc_chars, config.batch_size, tuple(uris), config.txt_fallback_encoding
    )
    listed = engine.read_files(uris, job, READ_ROWS_SCHEMA)
    stats = ReadStats(
        files=sum(1 for path in listed if is_uri_file(path)),
        ignored_files=[path for path in listed if not is_uri_file(path)],
    )
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
