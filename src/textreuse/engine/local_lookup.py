"""The local engine's late join: a lookup table memory-mapped from an Arrow file.

Rows of document pairs carry only the documents' keys; the texts are taken from
the mapped file batch by batch, just before a batch goes to a worker. So DuckDB
never sorts or materialises rows that repeat long texts (a corpus of long,
much-reused documents has pairs whose texts add up to many times the corpus),
the operating system pages the file in and out as needed, and a batch whose
attached columns would be large is cut into smaller ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from textreuse.engine.arrow_batches import row_cuts, row_string_bytes
from textreuse.engine.base import Lookup

#: Bytes of one record batch of the lookup file, about (few chunks make takes quick;
#: a string column's chunk holds at most 2 GiB).
LOOKUP_CHUNK_BYTES = 256 * 1024 * 1024
#: Most bytes of attached columns in one batch handed to a worker (a batch over
#: it is cut; a single row may exceed it).
MAX_ATTACHED_BYTES = 64 * 1024 * 1024


class MappedLookup:
    """A lookup query's rows in an Arrow file, found by key through a sorted index."""

    def __init__(self, lookup: Lookup, batches: pa.RecordBatchReader, path: Path) -> None:
        self.lookup = lookup
        self.path = path
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, batches.schema) as writer:
            for batch in _regrouped(batches, LOOKUP_CHUNK_BYTES):
                writer.write_batch(batch)
        self._source = pa.memory_map(str(path))
        try:
            self._index()
        except BaseException:
            self.close()
            raise

    def _index(self) -> None:
        """The mapped table, its keys' sort order, chunk offsets and row sizes."""
        self._table = pa.ipc.open_file(self._source).read_all()  # zero-copy, mapped
        key = self.lookup.key
        keys = self._table.column(key).to_numpy()
        self._order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[self._order]
        if len(keys) > 1 and bool((np.diff(self._sorted_keys) == 0).any()):
            raise RuntimeError(f"lookup keys {key!r} are not unique")
        self.values = [name for name in self._table.column_names if name != key]
        chunk_lengths = [len(chunk) for chunk in self._table.column(key).chunks]
        self._chunk_starts = np.cumsum([0, *chunk_lengths])[:-1]
        values = self._table.select(self.values).to_batches()
        self._row_bytes = np.concatenate(
            [np.zeros(0, dtype=np.int64), *(row_string_bytes(batch) for batch in values)]
        )

    def _positions(self, keys: pa.Array | pa.ChunkedArray, column: str) -> np.ndarray:
        """The lookup table's row for each key of a job row's ``column``."""
        wanted = np.asarray(keys.to_numpy(zero_copy_only=False))
        found = np.searchsorted(self._sorted_keys, wanted)
        inside = found < len(self._sorted_keys)
        hit = np.zeros(len(wanted), dtype=bool)
        hit[inside] = self._sorted_keys[found[inside]] == wanted[inside]
        if not hit.all():
            missing = wanted[~hit][0]
            raise RuntimeError(f"no lookup row has {self.lookup.key} = {missing} (row {column})")
        return self._order[found]

    def attach(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Each batch with the looked-up columns, cut where they exceed
        :data:`MAX_ATTACHED_BYTES`."""
        for batch in batches:
            if batch.num_rows == 0:
                continue
            positions = [
                self._positions(batch.column(column), column) for column, _ in self.lookup.attach
            ]
            sizes = np.zeros(batch.num_rows, dtype=np.int64)
            for where in positions:
                sizes += self._row_bytes[where]
            for lo, hi in row_cuts(sizes, MAX_ATTACHED_BYTES):
                arrays = list(batch.slice(lo, hi - lo).columns)
                names = list(batch.schema.names)
                for (_, suffix), where in zip(self.lookup.attach, positions, strict=True):
                    arrays.extend(self._take(where[lo:hi]))
                    names.extend(name + suffix for name in self.values)
                yield pa.RecordBatch.from_arrays(arrays, names=names)

    def _take(self, rows: np.ndarray) -> list[pa.Array]:
        """The value columns at table rows ``rows``, in their order.

        Taken chunk by chunk: Arrow's take from a chunked column first joins all
        its chunks (the whole text column, for every batch)."""
        chunk_of = np.searchsorted(self._chunk_starts, rows, side="right") - 1
        by_chunk = np.argsort(chunk_of, kind="stable")
        restore = pa.array(np.argsort(by_chunk, kind="stable"))
        chunks = np.unique(chunk_of)
        columns = []
        for name in self.values:
            column = self._table.column(name)
            pieces = [
                column.chunk(int(chunk)).take(
                    pa.array(rows[chunk_of == chunk] - self._chunk_starts[chunk])
                )
                for chunk in chunks
            ]
            columns.append(pa.concat_arrays(pieces).take(restore))
        return columns

    def close(self) -> None:
        """Unmap and remove the file (a taken column is a copy, and stays valid)."""
        if hasattr(self, "_table"):
            del self._table  # the mapping lives as long as a buffer of it
        self._source.close()
        os.unlink(self.path)


def _regrouped(batches: Iterable[pa.RecordBatch], limit: int) -> Iterator[pa.RecordBatch]:
    """The rows of ``batches``, in order, in batches of about ``limit`` bytes each."""
    group: list[pa.RecordBatch] = []
    size = 0
    for batch in batches:
        if group and size + batch.nbytes > limit:
            yield from pa.Table.from_batches(group).combine_chunks().to_batches()
            group, size = [], 0
        group.append(batch)
        size += batch.nbytes
    if group:
        yield from pa.Table.from_batches(group).combine_chunks().to_batches()
