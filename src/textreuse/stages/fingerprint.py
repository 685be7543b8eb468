"""Fingerprint stage: documents to seed n-gram postings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from textreuse.core.fingerprint import distinct_row_grams, word_hashes
from textreuse.core.tokenize import tokenize, tokens_in_spans, words

POSTINGS_SCHEMA = pa.schema([pa.field("h", pa.int64()), pa.field("doc_key", pa.int32())])
WORDS_SCHEMA = pa.schema([pa.field("doc_key", pa.int32()), pa.field("n_words", pa.int32())])


def fingerprint_batch(ngram: int, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Postings ``(h, doc_key)``, distinct per document, and word counts
    ``(doc_key, n_words)`` for ``(doc_key, text[, bp_starts, bp_ends])`` rows.

    N-grams touching a boilerplate span (``bp_starts``/``bp_ends``, merged
    character spans) are left out of the postings.
    """
    doc_keys = batch.column("doc_key").to_pylist()
    n_rows = batch.num_rows
    names = batch.schema.names
    span_starts = batch.column("bp_starts").to_pylist() if "bp_starts" in names else [None] * n_rows
    span_ends = batch.column("bp_ends").to_pylist() if "bp_ends" in names else [None] * n_rows
    all_words: list[str] = []
    counts: list[int] = []
    blocked_rows: list[tuple[int, np.ndarray]] = []  # (first word, flags) of rows with spans
    rows = zip(batch.column("text").to_pylist(), span_starts, span_ends, strict=True)
    for text, starts, ends in rows:
        if starts:
            tokens = tokenize(text)
            row_words = tokens.words
            blocked_rows.append(
                (len(all_words), tokens_in_spans(tokens.starts, tokens.ends, starts, ends))
            )
        else:
            row_words = words(text)
        counts.append(len(row_words))
        all_words += row_words
    blocked = None
    if blocked_rows:
        blocked = np.zeros(len(all_words), dtype=bool)
        for first, flags in blocked_rows:
            blocked[first : first + len(flags)] = flags
    row_index, grams = distinct_row_grams(
        word_hashes(all_words), np.asarray(counts, dtype=np.int64), ngram, blocked
    )
    keys = np.asarray(doc_keys, dtype=np.int32)[row_index]
    word_counts = pa.record_batch(
        [pa.array(doc_keys, pa.int32()), pa.array(counts, pa.int32())], schema=WORDS_SCHEMA
    )
    postings = pa.record_batch([pa.array(grams), pa.array(keys)], schema=POSTINGS_SCHEMA)
    return postings, word_counts
