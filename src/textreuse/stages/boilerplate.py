"""Boilerplate stage, per document: furniture spans and line hashes for the corpus statistics.

Runs inside the ingest stream (one Arrow batch at a time). Its two flat tables
feed the relational steps :data:`~textreuse.engine.plan.REPEATED_LINES` and
:data:`~textreuse.engine.plan.BOILERPLATE_SPANS`.
"""

from __future__ import annotations

import pyarrow as pa

from textreuse.boilerplate.patterns import find_boilerplate
from textreuse.boilerplate.repeated import line_hashes
from textreuse.schema import STATUS_OK

#: Furniture spans found by the patterns: ``(doc_id, start_pos, end_pos)``.
PATTERN_SPANS_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string()),
        pa.field("start_pos", pa.int32()),
        pa.field("end_pos", pa.int32()),
    ]
)

#: One row per non-blank line of a document with a site: its block and normalised hash.
LINE_HASHES_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string()),
        pa.field("start_pos", pa.int32()),
        pa.field("end_pos", pa.int32()),
        pa.field("h", pa.int64()),
    ]
)


def boilerplate_batch(
    doc_ids: list[str],
    texts: list[str | None],
    statuses: list[str],
    site_keys: list[str | None],
    language: str = "en",
) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Pattern spans of every ok document, and line hashes of ok documents with a site.

    The arguments are the columns of one batch of records, as Python lists.
    """
    span_cols: tuple[list[str], list[int], list[int]] = ([], [], [])
    line_cols: tuple[list[str], list[int], list[int], list[int]] = ([], [], [], [])
    for doc_id, text, status, site in zip(doc_ids, texts, statuses, site_keys, strict=True):
        if status != STATUS_OK or text is None:
            continue
        for span in find_boilerplate(text, language):
            span_cols[0].append(doc_id)
            span_cols[1].append(span.start)
            span_cols[2].append(span.end)
        if site is not None:
            starts, ends, hashes = line_hashes(text)
            line_cols[0].extend([doc_id] * len(starts))
            line_cols[1].extend(starts)
            line_cols[2].extend(ends)
            line_cols[3].extend(hashes)
    spans = pa.record_batch(
        [
            pa.array(col, type=f.type)
            for col, f in zip(span_cols, PATTERN_SPANS_SCHEMA, strict=True)
        ],
        schema=PATTERN_SPANS_SCHEMA,
    )
    lines = pa.record_batch(
        [pa.array(col, type=f.type) for col, f in zip(line_cols, LINE_HASHES_SCHEMA, strict=True)],
        schema=LINE_HASHES_SCHEMA,
    )
    return spans, lines
