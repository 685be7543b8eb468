"""Batches whose strings fit Arrow's regular types, however much text a query returns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from textreuse.engine import arrow_batches
from textreuse.engine.arrow_batches import narrow_schema, narrowed, row_cuts, row_string_bytes
from textreuse.engine.local import DuckDBEngine

#: Every kind of column the outputs use, with strings at the top level and nested.
_QUERY = """SELECT i, repeat('x', i) AS body, [repeat('y', i), 'z'] AS words,
    {'a': repeat('w', i), 'n': i} AS pair, [{'source': 'ab', 'copy': repeat('c', i)}] AS subs,
    CASE WHEN i % 2 = 0 THEN NULL ELSE 'odd' END AS maybe, repeat('b', i)::BLOB AS raw,
    [i, i + 1] AS numbers
    FROM range(1, 21) AS r(i) ORDER BY i"""


def _reader(large: bool, batch_size: int = 8) -> pa.RecordBatchReader:
    con = duckdb.connect()
    con.execute(f"SET arrow_large_buffer_size = {str(large).lower()}")
    return con.sql(_QUERY).to_arrow_reader(batch_size)


def test_narrowed_types_are_what_duckdb_gives_without_large_buffers() -> None:
    large = _reader(large=True).schema
    assert pa.types.is_large_string(large.field("body").type)
    assert pa.types.is_large_list(large.field("subs").type)
    assert narrow_schema(large) == _reader(large=False).schema


def test_narrowed_batches_hold_the_same_rows_as_the_regular_reader() -> None:
    regular = _reader(large=False).read_all()
    reader = narrowed(_reader(large=True))
    assert reader.schema == regular.schema
    assert reader.read_all().equals(regular)


def test_row_string_bytes_counts_top_level_and_nested_strings() -> None:
    batch = _reader(large=True, batch_size=3).read_next_batch()
    # row i: body i + words (i + 1) + pair.a i + subs (2 + i) + maybe (3 when odd) + raw i
    expected = [5 * i + 3 + (3 if i % 2 else 0) for i in (1, 2, 3)]
    assert row_string_bytes(batch).tolist() == expected
    assert row_string_bytes(batch.slice(1, 2)).tolist() == expected[1:]


def test_batches_are_cut_where_their_strings_pass_the_limit() -> None:
    limit = 100
    batches = list(narrowed(_reader(large=True), limit=limit))
    sizes = [int(row_string_bytes(batch).sum()) for batch in batches]
    assert len(batches) > 3  # 20 rows of 11 to 106 bytes, read 8 a batch
    for batch, size in zip(batches, sizes, strict=True):
        assert size <= limit or batch.num_rows == 1
    joined = pa.Table.from_batches(batches)
    assert joined.equals(_reader(large=False).read_all().cast(joined.schema))


def test_row_cuts_keep_rows_in_order_and_a_large_row_alone() -> None:
    sizes = np.array([4, 4, 9, 1, 1, 1, 12, 2])
    assert row_cuts(sizes, 8) == [(0, 2), (2, 3), (3, 6), (6, 7), (7, 8)]
    assert row_cuts(sizes, 100) == [(0, 8)]
    assert row_cuts(np.array([], dtype=np.int64), 8) == [(0, 0)]


def test_a_reader_without_large_types_is_handed_on_as_it_is() -> None:
    reader = _reader(large=False)
    assert narrowed(reader) is reader


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[DuckDBEngine]:
    duck = DuckDBEngine(tmp_path, 1)
    yield duck
    duck.close()


def test_the_local_engine_streams_regular_types_cut_by_size(
    engine: DuckDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(arrow_batches, "MAX_BATCH_STRING_BYTES", 300)
    engine.con.execute(f"CREATE TABLE t AS {_QUERY}")
    batches = list(engine.arrow_reader("SELECT * FROM t ORDER BY i", batch_size=1000))
    assert batches[0].schema == _reader(large=False).schema
    assert len(batches) > 1
    assert all(int(row_string_bytes(batch).sum()) <= 300 for batch in batches)
    assert [row["i"] for batch in batches for row in batch.to_pylist()] == list(range(1, 21))


def test_a_piece_cut_from_past_2_gib_into_a_batch_is_narrowed(tmp_path: Path) -> None:
    """Rows whose offsets pass 2**31 (a sparse file, so no memory is used): the
    first row fills nearly 2 GiB; the piece after it must be narrowed too."""
    sparse = tmp_path / "sparse.bin"
    size = 2**31 + 150
    with sparse.open("wb") as handle:
        handle.truncate(size)
    data = pa.memory_map(str(sparse)).read_buffer(size)
    ends = [0, 2**31 - 100, 2**31 + 100, size]
    offsets = pa.array(np.array(ends, dtype=np.int64)).buffers()[1]
    texts = pa.LargeStringArray.from_buffers(3, offsets, data)
    batch = pa.record_batch([pa.array([1, 2, 3]), texts], names=["i", "text"])
    reader = pa.RecordBatchReader.from_batches(batch.schema, [batch])
    batches = list(narrowed(reader))
    assert [b.num_rows for b in batches] == [1, 2]  # the first row alone passes the limit
    assert all(b.schema.field("text").type == pa.string() for b in batches)
    lengths = [n for b in batches for n in pc.binary_length(b.column("text")).to_pylist()]
    assert lengths == [2**31 - 100, 200, 50]
    assert batches[1].column("i").to_pylist() == [2, 3]
