"""Fingerprint stage: documents to seed n-gram postings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from textreuse.core.fingerprint import ngram_hashes, word_hashes
from textreuse.core.tokenize import words

POSTINGS_SCHEMA = pa.schema([pa.field("h", pa.int64()), pa.field("doc_key", pa.int32())])
WORDS_SCHEMA = pa.schema([pa.field("doc_key", pa.int32()), pa.field("n_words", pa.int32())])


def fingerprint_batch(ngram: int, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Postings ``(h, doc_key)``, distinct per document, and word counts
    ``(doc_key, n_words)`` for ``(doc_key, text)`` rows."""
    hashes: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    doc_keys = batch.column("doc_key").to_pylist()
    counts: list[int] = []
    for key, text in zip(doc_keys, batch.column("text").to_pylist(), strict=True):
        tokens = words(text)
        counts.append(len(tokens))
        grams = np.unique(ngram_hashes(word_hashes(tokens), ngram))
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
