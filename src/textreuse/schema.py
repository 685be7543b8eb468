"""Arrow schemas shared by every stage and engine: the output contract."""

from __future__ import annotations

import pyarrow as pa

#: Optional metadata columns accepted on input and kept in documents.parquet.
METADATA_FIELDS: tuple[str, ...] = ("site", "date", "title", "url", "author")

#: Most characters of values in one batch of rows built from Python values (a
#: string column of a batch holds at most 2 GiB, and a character takes up to 4
#: bytes; a few such batches are in flight to the workers at once).
MAX_BATCH_CHARS = 32 * 1024 * 1024

STATUS_OK = "ok"
STATUS_EMPTY = "empty"
STATUS_REJECTED = "rejected"

SPAN = pa.struct([pa.field("start", pa.int32()), pa.field("end", pa.int32())])

#: A substituted phrase: the source's words and the copy's words that replace them.
SUBSTITUTION_PAIR = pa.struct([pa.field("source", pa.string()), pa.field("copy", pa.string())])

#: Values of ``passages.direction`` and ``passages.direction_basis`` (see the README).
DIRECTIONS: tuple[str, ...] = ("a_to_b", "b_to_a", "unknown")
DIRECTION_BASES: tuple[str, ...] = ("date", "containment", "support", "none")

#: Values of ``documents.date_status``.
DATE_STATUSES: tuple[str, ...] = ("ok", "missing", "unparseable")

#: One input record after reading. ``source``/``location`` say where it came from.
RECORD_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        *(pa.field(name, pa.string()) for name in METADATA_FIELDS),
        pa.field("status", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("location", pa.string(), nullable=False),
    ]
)

DOCUMENTS_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        *(pa.field(name, pa.string()) for name in METADATA_FIELDS),
        pa.field("status", pa.string(), nullable=False),
        pa.field("boilerplate", pa.list_(SPAN)),
        pa.field("source", pa.string(), nullable=False),
        pa.field("location", pa.string(), nullable=False),
        pa.field("date_utc", pa.timestamp("us", tz="UTC")),
        pa.field("date_status", pa.string(), nullable=False),
    ]
)

PASSAGES_SCHEMA = pa.schema(
    [
        pa.field("passage_id", pa.int64(), nullable=False),
        pa.field("doc_a", pa.string(), nullable=False),
        pa.field("a_start", pa.int32(), nullable=False),
        pa.field("a_end", pa.int32(), nullable=False),
        pa.field("doc_b", pa.string(), nullable=False),
        pa.field("b_start", pa.int32(), nullable=False),
        pa.field("b_end", pa.int32(), nullable=False),
        pa.field("score", pa.float64(), nullable=False),
        pa.field("matches", pa.int32(), nullable=False),
        pa.field("substitutions", pa.int32(), nullable=False),
        pa.field("insertions", pa.int32(), nullable=False),
        pa.field("deletions", pa.int32(), nullable=False),
        pa.field("cluster_id", pa.int64(), nullable=False),
        pa.field("direction", pa.string(), nullable=False),
        pa.field("direction_basis", pa.string(), nullable=False),
        pa.field("rewrite_rate", pa.float64(), nullable=False),
        pa.field("substitution_pairs", pa.list_(SUBSTITUTION_PAIR), nullable=False),
        pa.field("clause_order_changed", pa.bool_(), nullable=False),
    ]
)

CLUSTERS_SCHEMA = pa.schema(
    [
        pa.field("cluster_id", pa.int64(), nullable=False),
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("source_doc", pa.string(), nullable=False),
        pa.field("source_confidence", pa.float64(), nullable=False),
    ]
)

#: The site graph: one row per (copier site, source site) of directed passages.
SITES_SCHEMA = pa.schema(
    [
        pa.field("copier_site", pa.string(), nullable=False),
        pa.field("source_site", pa.string(), nullable=False),
        pa.field("passages", pa.int64(), nullable=False),
        pa.field("copier_articles", pa.int64(), nullable=False),
        pa.field("copier_share", pa.float64(), nullable=False),
        pa.field("median_rewrite_rate", pa.float64(), nullable=False),
    ]
)

DUPLICATES_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("group_id", pa.int64(), nullable=False),
    ]
)
