"""Fingerprint stage: documents to seed postings and MinHash LSH band keys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from textreuse.core.fingerprint import band_keys, minhash_signature, ngram_hashes, word_hashes
from textreuse.core.tokenize import words

POSTINGS_SCHEMA = pa.schema([pa.field("h", pa.int64()), pa.field("doc_key", pa.int32())])
BANDS_SCHEMA = pa.schema(
    [
        pa.field("doc_key", pa.int32()),
        pa.field("band", pa.int16()),
        pa.field("band_key", pa.int64()),
    ]
)


@dataclass(frozen=True, slots=True)
class FingerprintParams:
    ngram: int
    dup_ngram: int
    num_perm: int
    bands: int


def fingerprint_batch(
    params: FingerprintParams, batch: pa.RecordBatch
) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """Postings ``(h, doc_key)`` (distinct per document) and bands for a batch of
    ``(doc_key, text)`` rows."""
    keys = batch.column("doc_key").to_pylist()
    texts = batch.column("text").to_pylist()
    post_h: list[np.ndarray] = []
    post_k: list[np.ndarray] = []
    band_k: list[np.ndarray] = []
    band_v: list[np.ndarray] = []
    for key, text in zip(keys, texts, strict=True):
        hashes = word_hashes(words(text))
        grams = np.unique(ngram_hashes(hashes, params.ngram))
        post_h.append(grams)
        post_k.append(np.full(len(grams), key, dtype=np.int32))
        shingles = ngram_hashes(hashes, params.dup_ngram)
        if len(shingles):
            keys_of_bands = band_keys(minhash_signature(shingles, params.num_perm), params.bands)
            band_v.append(keys_of_bands)
            band_k.append(np.full(params.bands, key, dtype=np.int32))
    postings = pa.record_batch(
        [pa.array(_concat(post_h, np.int64)), pa.array(_concat(post_k, np.int32))],
        schema=POSTINGS_SCHEMA,
    )
    count = sum(len(v) for v in band_v)
    bands = pa.record_batch(
        [
            pa.array(_concat(band_k, np.int32)),
            pa.array(np.tile(np.arange(params.bands, dtype=np.int16), count // params.bands)),
            pa.array(_concat(band_v, np.int64)),
        ],
        schema=BANDS_SCHEMA,
    )
    return postings, bands


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    if not parts:
        return np.empty(0, dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)
