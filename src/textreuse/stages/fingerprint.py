"""Fingerprint stage: documents to seed n-gram postings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from textreuse.core.fingerprint import grams_touching, ngram_hashes, word_hashes
from textreuse.core.tokenize import tokenize, tokens_in_spans, words

POSTINGS_SCHEMA = pa.schema([pa.field("h", pa.int64()), pa.field("doc_key", pa.int32())])
WORDS_SCHEMA = pa.schema([pa.field("doc_key", pa.int32()), pa.field("n_words", pa.int32())])


def fingerprint_batch(ngram: int, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Postings ``(h, doc_key)``, distinct per document, and word counts
    ``(doc_key, n_words)`` for ``(doc_key, text[, bp_starts, bp_ends])`` rows.

    N-grams touching a boilerplate span (``bp_starts``/``bp_ends``, merged
    character spans) are left out of the postings.
    """
    hashes: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    doc_keys = batch.column("doc_key").to_pylist()
    n_rows = batch.num_rows
    names = batch.schema.names
    span_starts = batch.column("bp_starts").to_pylist() if "bp_starts" in names else [None] * n_rows
    span_ends = batch.column("bp_ends").to_pylist() if "bp_ends" in names else [None] * n_rows
    counts: list[int] = []
    rows = zip(doc_keys, batch.column("text").to_pylist(), span_starts, span_ends, strict=True)
    for key, text, starts, ends in rows:
        if starts:
            tokens = tokenize(text)
            counts.append(len(tokens))
            grams = ngram_hashes(word_hashes(tokens.words), ngram)
            blocked = tokens_in_spans(tokens.starts, tokens.ends, starts, ends)
            grams = np.unique(grams[~grams_touching(blocked, ngram)])
        else:
            tokens_words = words(text)
            counts.append(len(tokens_words))
            grams = np.unique(ngram_hashes(word_hashes(tokens_words), ngram))
        hashes.append(grams)
        keys.append(np.full(len(grams), key, dtype=np.int32))
    word_counts = pa.record_batch(
        [pa.array(doc_keys, pa.int32()), pa.array(counts, pa.int32())], schema=WORDS_SCHEMA
    )
    postings = pa.record_batch(
        [
            pa.array(np.concatenate(hashes) if hashes else np.empty(0, np.int64)),
            pa.array(np.concatenate(keys) if keys else np.empty(0, np.int32)),
        ],
        schema=POSTINGS_SCHEMA,
    )
    return postings, word_counts
