"""Ingest stage: read every input record, annotate it, and stream it to Parquet."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.boilerplate.repeated import site_key
from textreuse.core.dates import parse_date
from textreuse.core.fingerprint import text_hash
from textreuse.io.readers import ReadStats, RecordReader, Reject
from textreuse.parallel import WorkerPool
from textreuse.schema import RECORD_SCHEMA, STATUS_OK
from textreuse.stages.boilerplate import (
    LINE_HASHES_SCHEMA,
    PATTERN_SPANS_SCHEMA,
    boilerplate_batch,
)

INGESTED_SCHEMA = (
    RECORD_SCHEMA.append(pa.field("text_hash", pa.int64()))
    .append(pa.field("content_start", pa.int32()))
    .append(pa.field("content_end", pa.int32()))
    .append(pa.field("site_key", pa.string()))
    .append(pa.field("date_utc", pa.timestamp("us", tz="UTC")))
    .append(pa.field("date_status", pa.string()))
)

#: Beside the records file: pattern spans and line hashes (see stages/boilerplate.py).
PATTERN_SPANS_FILE = "pattern_spans.parquet"
LINE_HASHES_FILE = "line_hashes.parquet"


@dataclass
class IngestResult:
    stats: ReadStats
    rejects: list[Reject]
    path: Path


def annotate(batch: pa.RecordBatch, texts: list[str | None] | None = None) -> pa.RecordBatch:
    """Add the exact-duplicate hash, the non-space extent and the site of ok rows,
    and every row's date as a UTC instant with its status (:mod:`textreuse.core.dates`).

    ``texts``: the batch's ``text`` column as Python strings, when already at hand.
    """
    hashes: list[int | None] = []
    starts: list[int | None] = []
    ends: list[int | None] = []
    sites: list[str | None] = []
    rows = zip(
        batch.column("text").to_pylist() if texts is None else texts,
        batch.column("status").to_pylist(),
        batch.column("site").to_pylist(),
        batch.column("url").to_pylist(),
        strict=True,
    )
    dates = [parse_date(value) for value in batch.column("date").to_pylist()]
    for text, status, site, url in rows:
        if status != STATUS_OK or text is None:
            hashes.append(None)
            starts.append(None)
            ends.append(None)
            sites.append(None)
            continue
        hashes.append(text_hash(text))
        starts.append(len(text) - len(text.lstrip()))
        ends.append(len(text.rstrip()))
        sites.append(site_key(site, url))
    return pa.RecordBatch.from_arrays(
        [
            *batch.columns,
            pa.array(hashes, pa.int64()),
            pa.array(starts, pa.int32()),
            pa.array(ends, pa.int32()),
            pa.array(sites, pa.string()),
            pa.array([d.epoch_us for d in dates], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            pa.array([d.status for d in dates], pa.string()),
        ],
        schema=INGESTED_SCHEMA,
    )


def ingest_batch(
    boilerplate: bool, batch: pa.RecordBatch
) -> tuple[pa.RecordBatch, pa.RecordBatch, pa.RecordBatch]:
    """A batch of records (RECORD_SCHEMA) annotated (INGESTED_SCHEMA), with its
    pattern spans and line hashes (none when ``boilerplate`` is off)."""
    texts = batch.column("text").to_pylist()
    annotated = annotate(batch, texts)
    if not boilerplate:
        return (
            annotated,
            pa.RecordBatch.from_pylist([], schema=PATTERN_SPANS_SCHEMA),
            pa.RecordBatch.from_pylist([], schema=LINE_HASHES_SCHEMA),
        )
    span_batch, line_batch = boilerplate_batch(
        batch.column("doc_id").to_pylist(),
        texts,
        batch.column("status").to_pylist(),
        annotated.column("site_key").to_pylist(),
    )
    return annotated, span_batch, line_batch


def ingest(
    reader: RecordReader,
    path: Path,
    *,
    on_batch: Callable[[int], None] | None = None,
    boilerplate: bool = True,
    pool: WorkerPool | None = None,
) -> IngestResult:
    """Read every record of ``reader`` into one Parquet file at ``path`` (INGESTED_SCHEMA).

    Beside it go :data:`PATTERN_SPANS_FILE` and :data:`LINE_HASHES_FILE`, the
    per-document part of boilerplate detection (empty when ``boilerplate`` is off).
    Records are read here; with ``pool``, its workers annotate the batches read
    (in order) while the next are read.
    """
    pool = pool or WorkerPool(1)
    annotate_batch = functools.partial(ingest_batch, boilerplate)
    with (
        pq.ParquetWriter(path, INGESTED_SCHEMA, compression="zstd") as writer,
        pq.ParquetWriter(path.with_name(PATTERN_SPANS_FILE), PATTERN_SPANS_SCHEMA) as spans,
        pq.ParquetWriter(path.with_name(LINE_HASHES_FILE), LINE_HASHES_SCHEMA) as lines,
    ):
        for annotated, span_batch, line_batch in pool.map_ordered(annotate_batch, reader.batches()):
            writer.write_batch(annotated)
            spans.write_batch(span_batch)
            lines.write_batch(line_batch)
            if on_batch is not None:
                on_batch(annotated.num_rows)
    return IngestResult(stats=reader.stats, rejects=reader.rejects, path=path)
