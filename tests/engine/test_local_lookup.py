"""The local engine's late join: columns looked up by key from a memory-mapped file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pytest

from textreuse.engine import local_lookup
from textreuse.engine.base import Lookup
from textreuse.engine.local import DuckDBEngine
from textreuse.engine.local_lookup import MappedLookup

_TEXTS = {3: "three", 7: "seven" * 40, 1: "one", 12: None}
_LOOKUP = Lookup(
    "SELECT k, body, k * 10 AS tens FROM texts", key="k", attach=(("ka", "_a"), ("kb", "_b"))
)
_PAIRS = [(1, 3), (3, 7), (7, 12), (1, 12), (3, 12)]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[DuckDBEngine]:
    duck = DuckDBEngine(tmp_path, 1)
    duck.con.register("texts_arrow", pa.table({"k": list(_TEXTS), "body": list(_TEXTS.values())}))
    duck.con.execute("CREATE TABLE texts AS SELECT * FROM texts_arrow")
    pairs = pa.table({"ka": [a for a, _ in _PAIRS], "kb": [b for _, b in _PAIRS]})
    duck.con.register("pairs_arrow", pairs)
    duck.con.execute("CREATE TABLE pairs AS SELECT * FROM pairs_arrow")
    yield duck
    duck.close()


def _mapped(engine: DuckDBEngine, tmp_path: Path) -> MappedLookup:
    return MappedLookup(_LOOKUP, engine.arrow_reader(_LOOKUP.query), tmp_path / "lookup.arrow")


def _rows(batches: Sequence[pa.RecordBatch]) -> list[dict[str, object]]:
    return [row for batch in batches for row in batch.to_pylist()]


@pytest.mark.parametrize("chunk_bytes", [1, 1 << 20])  # one chunk a lookup row, or one in all
def test_each_key_column_gets_its_rows_values(
    engine: DuckDBEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_bytes: int
) -> None:
    monkeypatch.setattr(local_lookup, "LOOKUP_CHUNK_BYTES", chunk_bytes)
    reader = engine.arrow_reader(_LOOKUP.query, batch_size=1)
    mapped = MappedLookup(_LOOKUP, reader, tmp_path / "lookup.arrow")
    assert mapped._table.column("body").num_chunks == (len(_TEXTS) if chunk_bytes == 1 else 1)
    try:
        rows = _rows(list(mapped.attach(engine.arrow_reader("SELECT ka, kb FROM pairs"))))
    finally:
        mapped.close()
    assert [(row["ka"], row["kb"]) for row in rows] == _PAIRS  # the rows' own order
    for row in rows:
        assert row["body_a"] == _TEXTS[row["ka"]] and row["body_b"] == _TEXTS[row["kb"]]
        assert row["tens_a"] == row["ka"] * 10 and row["tens_b"] == row["kb"] * 10
    assert set(rows[0]) == {"ka", "kb", "body_a", "tens_a", "body_b", "tens_b"}
    assert not (tmp_path / "lookup.arrow").exists()  # closing removes the file


def test_a_batch_is_cut_where_its_looked_up_text_is_large(
    engine: DuckDBEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_lookup, "MAX_ATTACHED_BYTES", 210)
    mapped = _mapped(engine, tmp_path)
    try:
        batches = list(mapped.attach(engine.arrow_reader("SELECT ka, kb FROM pairs")))
    finally:
        mapped.close()
    # bytes looked up per row: 8, 205, 200, 3 and 5: cut before the second and third
    assert [batch.num_rows for batch in batches] == [1, 1, 3]
    assert [(row["ka"], row["kb"]) for row in _rows(batches)] == _PAIRS


def test_a_key_missing_from_the_lookup_is_an_error(engine: DuckDBEngine, tmp_path: Path) -> None:
    mapped = _mapped(engine, tmp_path)
    try:
        with pytest.raises(RuntimeError, match="no lookup row has k = 99"):
            list(mapped.attach(engine.arrow_reader("SELECT 1 AS ka, 99 AS kb")))
    finally:
        mapped.close()


def test_repeated_lookup_keys_are_an_error(engine: DuckDBEngine, tmp_path: Path) -> None:
    query = "SELECT k, body FROM texts UNION ALL SELECT 3, 'again'"
    with pytest.raises(RuntimeError, match="not unique"):
        MappedLookup(
            Lookup(query, "k", (("ka", "_a"),)), engine.arrow_reader(query), tmp_path / "x"
        )
    assert not (tmp_path / "x").exists()  # no file left behind


def _echo(batch: pa.RecordBatch) -> Sequence[pa.RecordBatch]:
    return [batch.select(["ka", "kb", "body_a", "body_b"])]


def test_map_batches_joins_the_lookup_after_the_pair_order(engine: DuckDBEngine) -> None:
    schema = pa.schema(
        [("ka", pa.int64()), ("kb", pa.int64()), ("body_a", pa.string()), ("body_b", pa.string())]
    )
    engine.map_batches(
        "SELECT ka, kb FROM pairs",
        _echo,
        {"echoed": schema},
        batch_size=2,
        cluster_by=("ka", "kb"),
        pair_keys=("ka", "kb"),
        lookup=_LOOKUP,
    )
    rows = engine.con.execute("SELECT ka, kb, body_a, body_b FROM echoed").fetchall()
    assert sorted(rows) == sorted((a, b, _TEXTS[a], _TEXTS[b]) for a, b in _PAIRS)
    assert not (engine.work_dir / "lookup.arrow").exists()
