"""Ingest stage: read every input record, annotate it, and stream it to Parquet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.core.fingerprint import text_hash
from textreuse.io.readers import ReadStats, RecordReader, Reject
from textreuse.schema import RECORD_SCHEMA, STATUS_OK

INGESTED_SCHEMA = (
    RECORD_SCHEMA.append(pa.field("text_hash", pa.int64()))
    .append(pa.field("content_start", pa.int32()))
    .append(pa.field("content_end", pa.int32()))
)


@dataclass
class IngestResult:
    stats: ReadStats
    rejects: list[Reject]
    path: Path


def annotate(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Add the exact-duplicate hash and the non-space extent of ok rows."""
    hashes: list[int | None] = []
    starts: list[int | None] = []
    ends: list[int | None] = []
    statuses = batch.column("status").to_pylist()
    for text, status in zip(batch.column("text").to_pylist(), statuses, strict=True):
        if status != STATUS_OK or text is None:
            hashes.append(None)
            starts.append(None)
            ends.append(None)
            continue
        hashes.append(text_hash(text))
        starts.append(len(text) - len(text.lstrip()))
        ends.append(len(text.rstrip()))
    return pa.RecordBatch.from_arrays(
        [
            *batch.columns,
            pa.array(hashes, pa.int64()),
            pa.array(starts, pa.int32()),
            pa.array(ends, pa.int32()),
        ],
        schema=INGESTED_SCHEMA,
    )


def ingest(
    inputs: Sequence[str | Path],
    path: Path,
    *,
    max_doc_chars: int,
    batch_size: int,
    on_error: str,
    txt_fallback_encoding: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> IngestResult:
    """Read ``inputs`` into one Parquet file at ``path`` (INGESTED_SCHEMA)."""
    reader = RecordReader(
        list(inputs),
        max_doc_chars=max_doc_chars,
        batch_size=batch_size,
        on_error="fail" if on_error == "fail" else "skip",
        txt_fallback_encoding=txt_fallback_encoding,
    )
    with pq.ParquetWriter(path, INGESTED_SCHEMA, compression="zstd") as writer:
        for batch in reader.batches():
            writer.write_batch(annotate(batch))
            if on_batch is not None:
                on_batch(batch.num_rows)
    return IngestResult(stats=reader.stats, rejects=reader.rejects, path=path)
