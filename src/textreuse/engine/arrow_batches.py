"""Record batches whose strings fit Arrow's regular (32-bit offset) types.

An Arrow ``string`` column of one batch holds at most 2 GiB. DuckDB fills a batch
by rows, so 8,192 documents of 300 KB each would not fit: DuckDB is asked for
large (64-bit offset) types instead, and :func:`narrowed` cuts each batch where
its strings pass :data:`MAX_BATCH_STRING_BYTES`, then casts the pieces back to
the regular types, so every consumer sees the same schema as before. (A piece
cut from inside a batch is copied first: its offsets still count from the
batch's start, past what the regular types can hold.)
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Most bytes of string and binary data, nested ones included, in one batch handed
#: on (a single row may exceed it).
MAX_BATCH_STRING_BYTES = 128 * 1024 * 1024


def narrow_type(data_type: pa.DataType) -> pa.DataType:
    """``data_type`` with every large string, binary and list type made regular."""
    if pa.types.is_large_string(data_type):
        return pa.string()
    if pa.types.is_large_binary(data_type):
        return pa.binary()
    if pa.types.is_large_list(data_type) or pa.types.is_list(data_type):
        return pa.list_(_narrow_field(data_type.value_field))
    if pa.types.is_map(data_type):
        return pa.map_(
            _narrow_field(data_type.key_field),
            _narrow_field(data_type.item_field),
            data_type.keys_sorted,
        )
    if pa.types.is_struct(data_type):
        return pa.struct([_narrow_field(data_type.field(i)) for i in range(data_type.num_fields)])
    return data_type


def _narrow_field(field: pa.Field) -> pa.Field:
    return field.with_type(narrow_type(field.type))


def narrow_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with :func:`narrow_type` applied to every field."""
    return pa.schema([_narrow_field(field) for field in schema], metadata=schema.metadata)


def row_string_bytes(batch: pa.RecordBatch) -> np.ndarray:
    """Bytes of string and binary values in each row, nested ones included."""
    sizes = np.zeros(batch.num_rows, dtype=np.int64)
    for column in batch.columns:
        sizes += _value_bytes(column)
    return sizes


def _value_bytes(values: pa.Array) -> np.ndarray:
    """Bytes of string and binary data under each element of ``values``."""
    kind = values.type
    if _is_text(kind):
        lengths = pc.fill_null(pc.binary_length(values), 0)
        return lengths.to_numpy(zero_copy_only=False).astype(np.int64)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        parents = pc.list_parent_indices(values).to_numpy(zero_copy_only=False)
        child = _value_bytes(values.flatten())
        return np.bincount(parents, weights=child, minlength=len(values)).astype(np.int64)
    if pa.types.is_struct(kind):
        sizes = np.zeros(len(values), dtype=np.int64)
        for field in values.flatten():
            sizes += _value_bytes(field)
        return sizes
    return np.zeros(len(values), dtype=np.int64)


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def row_cuts(sizes: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Consecutive row ranges ``[lo, hi)`` whose sizes add up to at most ``limit``
    (a row larger than it gets a range of its own)."""
    if int(sizes.sum()) <= limit:
        return [(0, len(sizes))]
    cuts = []
    lo, total = 0, 0
    for index, size in enumerate(sizes.tolist()):
        if index > lo and total + size > limit:
            cuts.append((lo, index))
            lo, total = index, 0
        total += size
    cuts.append((lo, len(sizes)))
    return cuts


def narrowed(reader: pa.RecordBatchReader, limit: int | None = None) -> pa.RecordBatchReader:
    """``reader``'s rows, in order, in batches of the narrowed schema, each holding
    at most ``limit`` (default :data:`MAX_BATCH_STRING_BYTES`) bytes of strings."""
    schema = narrow_schema(reader.schema)
    if schema.equals(reader.schema, check_metadata=True):
        return reader
    most = MAX_BATCH_STRING_BYTES if limit is None else limit

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            if batch.nbytes <= most:  # all of its buffers: no cut needed
                yield batch.cast(schema)
                continue
            for lo, hi in row_cuts(row_string_bytes(batch), most):
                piece = batch.slice(lo, hi - lo)
                if lo > 0:  # its offsets run on from the batch's start: copied from 0
                    piece = piece.take(pa.array(np.arange(hi - lo)))
                yield piece.cast(schema)

    return pa.RecordBatchReader.from_batches(schema, batches())
