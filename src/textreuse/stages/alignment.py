"""Alignment stage: pairs of documents to aligned passages."""

from __future__ import annotations

import pyarrow as pa

from textreuse.core.align import AlignParams, PreparedText, align_prepared

ALIGNED_SCHEMA = pa.schema(
    [
        pa.field("ka", pa.int32()),
        pa.field("kb", pa.int32()),
        pa.field("a_start", pa.int32()),
        pa.field("a_end", pa.int32()),
        pa.field("b_start", pa.int32()),
        pa.field("b_end", pa.int32()),
        pa.field("score", pa.float64()),
        pa.field("matches", pa.int32()),
        pa.field("substitutions", pa.int32()),
        pa.field("insertions", pa.int32()),
        pa.field("deletions", pa.int32()),
    ]
)

_FIELDS = [f.name for f in ALIGNED_SCHEMA][2:]


def align_batch(params: AlignParams, batch: pa.RecordBatch) -> pa.RecordBatch:
    """Align every ``(ka, text_a, kb, text_b)`` row of a batch.

    Each text is prepared once per batch, so a document paired with many others
    is tokenised once.
    """
    cache: dict[int, PreparedText] = {}

    def prepared(key: int, text: str) -> PreparedText:
        found = cache.get(key)
        if found is None:
            found = cache[key] = PreparedText(text, params.ngram)
        return found

    columns: dict[str, list[int | float]] = {name: [] for name in ALIGNED_SCHEMA.names}
    rows = zip(
        batch.column("ka").to_pylist(),
        batch.column("text_a").to_pylist(),
        batch.column("kb").to_pylist(),
        batch.column("text_b").to_pylist(),
        strict=True,
    )
    for ka, text_a, kb, text_b in rows:
        for passage in align_prepared(prepared(ka, text_a), prepared(kb, text_b), params):
            columns["ka"].append(ka)
            columns["kb"].append(kb)
            for name in _FIELDS:
                columns[name].append(getattr(passage, name))
    return pa.record_batch(
        [pa.array(columns[name], type=ALIGNED_SCHEMA.field(name).type) for name in ALIGNED_SCHEMA.names],
        schema=ALIGNED_SCHEMA,
    )
