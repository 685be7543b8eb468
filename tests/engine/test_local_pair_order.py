"""The local engine hands pairs to its workers in breadth-first pair order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from textreuse.core.pair_order import breadth_first_ranks
from textreuse.engine.local import DuckDBEngine

_PAIRS = [(5, 9), (1, 9), (1, 2), (2, 7), (7, 9), (3, 4), (9, 12), (4, 12), (2, 5)]
_QUERY = "SELECT ka, kb, ka * 100 + kb AS tag FROM pairs"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[DuckDBEngine]:
    duck = DuckDBEngine(tmp_path, 1)
    table = pa.table({"ka": [a for a, _ in _PAIRS], "kb": [b for _, b in _PAIRS]})
    duck.con.register("pairs_arrow", table)
    duck.con.execute("CREATE TABLE pairs AS SELECT * FROM pairs_arrow")
    yield duck
    duck.close()


def _echo(batch: pa.RecordBatch) -> Sequence[pa.RecordBatch]:
    return [batch]


def test_rows_come_by_the_later_then_the_earlier_rank(engine: DuckDBEngine) -> None:
    nodes, ranks = breadth_first_ranks(
        np.array([a for a, _ in _PAIRS]), np.array([b for _, b in _PAIRS])
    )
    rank = dict(zip(nodes.tolist(), ranks.tolist(), strict=True))
    expected = sorted(
        _PAIRS, key=lambda p: (max(rank[p[0]], rank[p[1]]), min(rank[p[0]], rank[p[1]]))
    )
    assert expected != sorted(_PAIRS)  # the order is not the keys'
    ordered = engine._in_pair_order(_QUERY, ("ka", "kb"), ("ka", "kb"))
    rows = engine.con.execute(ordered).fetchall()
    assert [(a, b) for a, b, _ in rows] == expected
    assert all(tag == a * 100 + b for a, b, tag in rows)  # whole rows, as the query gives


def test_every_row_is_mapped_once_and_the_ranks_are_dropped(engine: DuckDBEngine) -> None:
    schema = pa.schema([("ka", pa.int64()), ("kb", pa.int64()), ("tag", pa.int64())])
    engine.map_batches(
        _QUERY,
        _echo,
        {"echoed": schema},
        batch_size=2,
        cluster_by=("ka", "kb"),
        pair_keys=("ka", "kb"),
    )
    rows = engine.con.execute("SELECT ka, kb FROM echoed").fetchall()
    assert sorted(rows) == sorted(_PAIRS)
    assert "pair_order_ranks" not in engine.table_names()
